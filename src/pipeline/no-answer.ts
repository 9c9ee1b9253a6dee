/**
 * Whether a model says "no answer". SQuAD 2.0 models score the null answer on their first token, but nothing in
 * their config.json says they were trained to: the Hub names them after the data set (deepset/roberta-base-squad2,
 * deepset/minilm-uncased-squad2, *-squad_v2), so `--no-answer auto` goes by the name.
 */
export const NO_ANSWER_MODES = ['auto', 'on', 'off'] as const;
export type NoAnswerMode = (typeof NO_ANSWER_MODES)[number];

const SQUAD2_NAME = /squad[_-]?v?2/i;

export function saysNoAnswer(mode: NoAnswerMode, modelName: string): boolean {
  return mode === 'auto' ? SQUAD2_NAME.test(modelName) : mode === 'on';
}
