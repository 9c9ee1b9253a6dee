/**
 * Reader parity for every QA model family: a generated tiny model of each (random weights, its family's
 * tokenizer and pair layout, token_type_ids only where the model takes them) read by QaReader must give every
 * (question, sentence) pair the span and score transformers.js's question-answering pipeline gives the same two
 * texts: the tokens our character offsets cover decode to its answer, and the score is within 1e-4. Each
 * question's sentences are read as one padded batch, the most padding there can be. The null score is held to
 * Hugging Face's (handle_impossible_answer) computed on transformers.js's tokens and logits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresetName } from '../src/model-generator/presets.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { normalizeQuestion } from '../src/pipeline/question.js';
import type { QaReader, ReadSpan } from '../src/pipeline/reader.js';
import type { TokenizedText } from '../src/pipeline/tokenizers/tokenizer.js';
import { generateModel } from './support/model.js';
import { loadQuestionSet } from './support/question-set.js';
import { Rng } from './support/seeded-rng.js';
import { comparable, comparableAnswer, coveringTokens } from './support/spans.js';
import { cord19Sentences } from './support/tokenizer-fixtures.js';
import { loadTransformersQa, type TransformersQa, type TransformersQaAnswer } from './support/transformers-qa.js';

const FAMILIES: PresetName[] = ['bert-tiny', 'distilbert-tiny', 'roberta-tiny', 'xlm-roberta-tiny', 'albert-tiny', 'electra-tiny', 'deberta-v3-tiny'];
// Besides its answering sentence, each question reads this many other sentences of the sample.
const DISTRACTORS = 5;
// transformers.js bounds no answer length; 512 tokens is a whole sequence, so no bound either.
const UNBOUNDED = 512;

interface Pair {
  question: string;
  sentence: string;
  tokens: TokenizedText;
  ours: ReadSpan | null;
  theirs: TransformersQaAnswer;
  theirNullScore: number;
}

/** Each question of the set (normalized, as the reader reads it) with its answering sentence and a few others. */
function questionsWithSentences(): { question: string; sentences: string[] }[] {
  const all = cord19Sentences();
  const rng = new Rng(11);
  return loadQuestionSet().map((q) => {
    const evidence = all.find((s) => s.includes(q.evidence));
    const others = Array.from({ length: DISTRACTORS }, () => rng.pick(all));
    return { question: normalizeQuestion(q.question), sentences: [...(evidence ? [evidence] : []), ...others] };
  });
}

describe.each(FAMILIES)('reader parity with transformers.js: %s', (preset) => {
  let reader: QaReader;
  let reference: TransformersQa;
  const pairs: Pair[] = [];

  beforeAll(async () => {
    const dir = generateModel(preset);
    reader = await loadQaReader(dir, { intraOpThreads: 1, maxAnswerTokens: UNBOUNDED, runCostTokens: Infinity });
    reference = await loadTransformersQa(dir, { threads: 1 });
    for (const { question, sentences } of questionsWithSentences()) {
      const questionTokens = reader.tokenizer.tokenize(question);
      const tokens = sentences.map((s) => reader.tokenizer.tokenize(s));
      const spans = await reader.read(tokens.map((sentence) => ({ question: questionTokens, sentence })));
      for (const [i, sentence] of sentences.entries()) {
        pairs.push({
          question,
          sentence,
          tokens: tokens[i],
          ours: spans[i],
          theirs: await reference.answer(question, sentence),
          theirNullScore: await reference.nullScore(question, sentence),
        });
      }
    }
  });
  afterAll(async () => {
    await Promise.all([reader?.close(), reference?.dispose()]);
  });

  it('gives every pair the same best score as transformers.js, within 1e-4', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(150);
    const wrong = pairs.filter((p) => !p.ours || Math.abs(p.ours.score - p.theirs.score) > 1e-4);
    expect(wrong.map((p) => ({ question: p.question, sentence: p.sentence, ours: p.ours?.score, theirs: p.theirs.score }))).toEqual([]);
  });

  it('gives every pair the null (no-answer) score Hugging Face scores on transformers.js logits, within 1e-4', () => {
    const wrong = pairs.filter((p) => !p.ours || Math.abs(p.ours.nullScore - p.theirNullScore) > 1e-4);
    expect(wrong.map((p) => ({ question: p.question, sentence: p.sentence, ours: p.ours?.nullScore, theirs: p.theirNullScore }))).toEqual([]);
    // Random weights give [CLS] no special place: its scores vary from pair to pair.
    expect(new Set(pairs.map((p) => p.theirNullScore.toPrecision(4))).size).toBeGreaterThan(pairs.length / 2);
  });

  it('picks the same span: the tokens its offsets cover decode to transformers.js answer, and so does its text', () => {
    const mismatches: unknown[] = [];
    let textsCompared = 0;
    for (const p of pairs) {
      const covered = coveringTokens(p.tokens, p.ours!);
      const slice = p.sentence.slice(p.ours!.start, p.ours!.end);
      const ids = covered ? p.tokens.ids.slice(covered.first, covered.last + 1) : [];
      const decoded = covered && reference.decode(ids);
      // transformers.js's decode drops special tokens (an unknown word's [UNK] among them): then only the tokens compare.
      const textComparable = !ids.some((id) => reader.tokenizer.specialIds.has(id));
      textsCompared += Number(textComparable);
      if (decoded !== p.theirs.answer || (textComparable && comparable(slice) !== comparableAnswer(p.theirs.answer))) {
        mismatches.push({ question: p.question, slice, decoded, theirs: p.theirs.answer });
      }
    }
    expect(mismatches).toEqual([]);
    const worst = Math.max(...pairs.map((p) => Math.abs(p.ours!.score - p.theirs.score)));
    console.log(`${preset}: ${pairs.length} pairs, same spans; ${textsCompared} texts compared too; largest score difference ${worst.toExponential(1)}`);
    expect(textsCompared).toBeGreaterThan(pairs.length / 2);
    // Random weights spread the best spans over the sentences: not all at the first token.
    expect(new Set(pairs.map((p) => p.ours!.start)).size).toBeGreaterThan(pairs.length / 4);
  });
});
