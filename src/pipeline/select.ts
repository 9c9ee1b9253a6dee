/**
 * Span selection, scored exactly as transformers.js's question-answering pipeline scores it:
 * softmax over the start logits and over the end logits with every position outside the context
 * (and every special token) masked out, [CLS] kept in the softmax but never chosen, and a span's score
 * the product of its start and end probabilities. Unlike transformers.js we bound the answer length,
 * and find the best span in O(n · maxAnswerTokens) instead of sorting all n² pairs.
 * A span beats no-answer when its score is at least the null score plus a threshold (answersPassage).
 */

export interface SpanScores {
  /** Token index of the first answer token in the row. */
  startToken: number;
  /** Token index of the last answer token (inclusive). */
  endToken: number;
  score: number;
  /**
   * The no-answer score: [CLS]'s start probability times its end probability, as Hugging Face's pipeline scores
   * the null answer of a SQuAD 2.0 model (handle_impossible_answer).
   */
  nullScore: number;
}

export interface RowLayout {
  /** Index of the row's first context (sentence) token; everything before it is [CLS] question [SEP]. */
  contextStart: number;
  /** Number of context tokens (the trailing [SEP] and padding follow). */
  contextLength: number;
}

/** Probabilities of a masked softmax: positions in `allowed` plus position 0 ([CLS]), others 0. */
function maskedSoftmax(logits: ArrayLike<number>, offset: number, allowed: (i: number) => boolean, length: number): Float64Array {
  const probabilities = new Float64Array(length);
  let max = logits[offset];
  for (let i = 1; i < length; i++) if (allowed(i) && logits[offset + i] > max) max = logits[offset + i];
  let sum = 0;
  for (let i = 0; i < length; i++) {
    if (i !== 0 && !allowed(i)) continue;
    const e = Math.exp(logits[offset + i] - max);
    probabilities[i] = e;
    sum += e;
  }
  for (let i = 0; i < length; i++) probabilities[i] /= sum;
  return probabilities;
}

/**
 * The best span of one batch row. `logitsOffset` is where the row starts in the flat logits,
 * `rowLength` the padded sequence length, `isSpecial(i)` whether token i of the row is a special token.
 */
export function bestSpan(
  startLogits: ArrayLike<number>,
  endLogits: ArrayLike<number>,
  logitsOffset: number,
  rowLength: number,
  layout: RowLayout,
  isSpecial: (i: number) => boolean,
  maxAnswerTokens: number,
): SpanScores | null {
  const contextEnd = layout.contextStart + layout.contextLength;
  // Tested once per position: the pair loop below asks up to maxAnswerTokens times per position, and
  // isSpecial reads a BigInt id and a Set each time (9% of a tiny-model ask before this).
  const allowedMask = new Uint8Array(rowLength);
  for (let i = layout.contextStart; i < contextEnd; i++) allowedMask[i] = isSpecial(i) ? 0 : 1;
  const allowed = (i: number) => allowedMask[i] === 1;
  const start = maskedSoftmax(startLogits, logitsOffset, allowed, rowLength);
  const end = maskedSoftmax(endLogits, logitsOffset, allowed, rowLength);
  let best: SpanScores | null = null;
  for (let j = layout.contextStart; j < contextEnd; j++) {
    if (!allowed(j)) continue;
    const from = Math.max(layout.contextStart, j - maxAnswerTokens + 1);
    for (let i = from; i <= j; i++) {
      if (!allowed(i)) continue;
      const score = start[i] * end[j];
      // Ties go to the earlier start, then the shorter span, as a stable sort of transformers.js's list does.
      if (!best || score > best.score || (score === best.score && (i < best.startToken || (i === best.startToken && j < best.endToken)))) {
        best = { startToken: i, endToken: j, score, nullScore: start[0] * end[0] };
      }
    }
  }
  return best;
}

/**
 * Whether a passage's best span beats its null answer. With threshold 0 this is Hugging Face's
 * handle_impossible_answer: the null answer (min null score over the windows) wins only with a higher score.
 */
export function answersPassage(span: Pick<SpanScores, 'score' | 'nullScore'>, nullThreshold: number): boolean {
  return span.nullScore - span.score <= nullThreshold;
}
