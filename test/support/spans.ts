/** Comparing our character-offset spans with transformers.js's decoded answers. */
import type { TokenizedText } from '../../src/pipeline/tokenizers/tokenizer.js';

export interface CharSpan {
  start: number;
  end: number;
}

/** Indices of the first and last tokens exactly covering [start, end), or null when no tokens do. */
export function coveringTokens(tokens: TokenizedText, span: CharSpan): { first: number; last: number } | null {
  const count = tokens.ids.length;
  let first = -1;
  let last = -1;
  for (let i = 0; i < count && first < 0; i++) if (tokens.offsets[2 * i] === span.start) first = i;
  for (let i = count - 1; i >= 0 && last < 0; i--) if (tokens.offsets[2 * i + 1] === span.end) last = i;
  return first < 0 || last < first ? null : { first, last };
}

/**
 * Whether our span is transformers.js's answer: the tokens our offsets cover must decode (with its decoder)
 * to exactly its answer, so the same token span was chosen and our offsets are consistent with it.
 */
export function decodesTo(tokens: TokenizedText, span: CharSpan, answer: string, decode: (ids: readonly number[]) => string): boolean {
  const covered = coveringTokens(tokens, span);
  return covered !== null && decode(tokens.ids.slice(covered.first, covered.last + 1)) === answer;
}

/**
 * What survives transformers.js's decode: no case or accents (uncased models), compatibility forms (NFKC
 * normalizers: "™" decodes as "TM"), and no spacing, which decoders change.
 */
export function comparable(text: string): string {
  return text.normalize('NFKC').normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase().replace(/\s+/g, '');
}

/** transformers.js's answer in the same form; a span starting inside a word decodes with its "##" kept. */
export function comparableAnswer(answer: string): string {
  return comparable(answer.replace(/^##/, ''));
}
