/**
 * A passage is read as its sentences' stored tokens laid end to end, so that nothing is tokenized per ask.
 * For that to equal tokenizing the passage text, a sentence is stored as it reads inside a passage: after the
 * previous sentence and PASSAGE_SEPARATOR. Byte-level BPE (RoBERTa, XLM-R's "Ġ") and SentencePiece ("▁") mark a
 * word's leading space in the token itself, so "The" alone and "The" after a space are different tokens.
 * The first sentence of an article is stored as it is; a passage starting later re-tokenizes its first sentence.
 */
import { PASSAGE_SEPARATOR, sentenceStarts, type PassageRecord, type SentenceRecord } from '../domain.js';
import type { TokenizedText, Tokenizer } from './tokenizers/tokenizer.js';

type SentenceText = Pick<SentenceRecord, 'text' | 'position'>;

/** The key stored tokens are filed under: changing what is stored changes the key, so older tokens are redone. */
export function storedTokensKey(tokenizer: Tokenizer): string {
  return tokenizer.leadingSpaceChangesTokens ? `${tokenizer.fingerprint}:continuation` : tokenizer.fingerprint;
}

/**
 * Stands for the previous sentence. Tokenizing PASSAGE_SEPARATOR + text alone is not enough: normalizers that
 * strip the text's ends (DeBERTa-v3's) would drop the separator. Every supported pre-tokenizer splits at a space,
 * so what comes before it does not change the tokens after it.
 */
const PREVIOUS_TEXT = '.';

/** `text` tokenized as it reads after a sentence and PASSAGE_SEPARATOR; offsets into `text` (a token of the separator itself gets negative ones). */
export function tokenizeContinuation(tokenizer: Tokenizer, text: string): TokenizedText {
  const shift = PREVIOUS_TEXT.length + PASSAGE_SEPARATOR.length;
  const { ids, offsets } = tokenizer.tokenize(PREVIOUS_TEXT + PASSAGE_SEPARATOR + text);
  const result: TokenizedText = { ids: [], offsets: [] };
  ids.forEach((id, i) => {
    if (offsets[2 * i] < PREVIOUS_TEXT.length) return;
    result.ids.push(id);
    result.offsets.push(offsets[2 * i] - shift, offsets[2 * i + 1] - shift);
  });
  return result;
}

/** What is stored for a sentence: the first of its article as it is, the others as continuations. */
export function storedSentenceTokens(tokenizer: Tokenizer, sentence: SentenceText): TokenizedText {
  return sentence.position === 0 || !tokenizer.leadingSpaceChangesTokens ? tokenizer.tokenize(sentence.text) : tokenizeContinuation(tokenizer, sentence.text);
}

/**
 * The passage's tokens from its sentences' stored tokens (`stored(i)` for its i-th sentence; null when one is
 * gone), offsets moved to where each sentence starts in the passage text: exactly `tokenizer.tokenize(passage.text)`.
 */
export function joinPassageTokens(
  tokenizer: Tokenizer,
  passage: Pick<PassageRecord, 'sentences'>,
  stored: (index: number) => TokenizedText | undefined,
): TokenizedText | null {
  const starts = sentenceStarts(passage);
  const joined: TokenizedText = { ids: [], offsets: [] };
  for (const [i, sentence] of passage.sentences.entries()) {
    const part = i === 0 && sentence.position > 0 && tokenizer.leadingSpaceChangesTokens ? tokenizer.tokenize(sentence.text) : stored(i);
    if (!part) return null;
    joined.ids.push(...part.ids);
    for (const offset of part.offsets) joined.offsets.push(offset + starts[i]);
  }
  return joined;
}
