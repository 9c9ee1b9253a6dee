import type { RowLayout } from './select.js';

export interface BatchTensors {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  batchSize: number;
  sequenceLength: number;
  rows: RowLayout[];
}

export interface AssembleOptions {
  cls: number;
  sep: number;
  pad: number;
  maxSequenceLength: number;
  /** Long questions are cut so that the sentence, where the answer lies, keeps its room. */
  maxQuestionTokens: number;
}

/** One row of the batch: a tokenized question and one tokenized candidate sentence. */
export interface BatchRow {
  question: readonly number[];
  context: readonly number[];
}

/** Tokens a row takes once assembled: the question cut to its maximum, the sentence to what room is left. */
export function rowLength(questionLength: number, contextLength: number, options: AssembleOptions): number {
  const kept = Math.min(questionLength, options.maxQuestionTokens);
  return kept + Math.min(contextLength, Math.max(0, options.maxSequenceLength - kept - 3)) + 3;
}

/**
 * `[CLS] question [SEP] sentence [SEP]` for every row, padded to the longest, written straight into the
 * typed arrays onnxruntime takes, so no per-token objects are allocated.
 */
export function assembleBatch(rows: readonly BatchRow[], options: AssembleOptions): BatchTensors {
  const shaped = rows.map(({ question, context }) => {
    const kept = question.slice(0, options.maxQuestionTokens);
    const room = Math.max(0, options.maxSequenceLength - kept.length - 3);
    return { question: kept, context: context.length > room ? context.slice(0, room) : context };
  });
  const sequenceLength = Math.max(0, ...shaped.map((r) => r.question.length + r.context.length + 3));
  const batchSize = rows.length;
  const inputIds = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(options.pad));
  const attentionMask = new BigInt64Array(batchSize * sequenceLength);
  const tokenTypeIds = new BigInt64Array(batchSize * sequenceLength);
  const cls = BigInt(options.cls);
  const sep = BigInt(options.sep);
  const layouts: RowLayout[] = shaped.map(({ question, context }, row) => {
    const base = row * sequenceLength;
    const contextStart = question.length + 2;
    const end = contextStart + context.length;
    inputIds[base] = cls;
    for (let i = 0; i < question.length; i++) inputIds[base + 1 + i] = BigInt(question[i]);
    inputIds[base + question.length + 1] = sep;
    for (let i = 0; i < context.length; i++) inputIds[base + contextStart + i] = BigInt(context[i]);
    inputIds[base + end] = sep;
    tokenTypeIds.fill(1n, base + contextStart, base + end + 1);
    attentionMask.fill(1n, base, base + end + 1);
    return { contextStart, contextLength: context.length };
  });
  return { inputIds, attentionMask, tokenTypeIds, batchSize, sequenceLength, rows: layouts };
}
