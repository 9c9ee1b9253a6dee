import type { RowLayout } from './select.js';
import { layoutLength, type LayoutPart, type PairLayout } from './tokenizers/tokenizer.js';

export interface BatchTensors {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  batchSize: number;
  sequenceLength: number;
  rows: RowLayout[];
}

export interface AssembleOptions {
  /** Where the special tokens go around the question and the sentence, from the tokenizer. */
  layout: PairLayout;
  maxSequenceLength: number;
  /** Long questions are cut so that the passage, where the answer lies, keeps its room. */
  maxQuestionTokens: number;
}

/** One row of the batch: a tokenized question and one tokenized candidate passage. */
export interface BatchRow {
  question: readonly number[];
  context: readonly number[];
}

/** Tokens a row takes once assembled: the question cut to its maximum, the sentence to what room is left. */
export function rowLength(questionLength: number, contextLength: number, options: AssembleOptions): number {
  const specials = layoutLength(options.layout);
  const kept = Math.min(questionLength, options.maxQuestionTokens);
  return kept + Math.min(contextLength, Math.max(0, options.maxSequenceLength - kept - specials)) + specials;
}

/** [from, to) of the context tokens one model input reads. */
export type ContextWindow = readonly [from: number, to: number];

/** Hugging Face's default doc_stride: consecutive windows of a long context share this many tokens. */
export const DEFAULT_DOC_STRIDE = 128;

/**
 * The windows a context is read in, as Hugging Face's question-answering pipeline splits one (the tokenizer's
 * return_overflowing_tokens with `stride`): all of it when it fits beside the question, else windows of the room
 * left that start `room - stride` tokens apart, the last ending at the context's end. The stride is at most half
 * the room, so windows always advance.
 */
export function contextWindows(questionLength: number, contextLength: number, options: AssembleOptions, docStride: number): ContextWindow[] {
  const kept = Math.min(questionLength, options.maxQuestionTokens);
  const room = Math.max(1, options.maxSequenceLength - kept - layoutLength(options.layout));
  if (contextLength <= room) return [[0, contextLength]];
  const step = room - Math.min(docStride, Math.floor(room / 2));
  const windows: ContextWindow[] = [];
  for (let from = 0; ; from += step) {
    const to = Math.min(from + room, contextLength);
    windows.push([from, to]);
    if (to === contextLength) return windows;
  }
}

/**
 * The layout's special tokens around question and sentence for every row (`[CLS] q [SEP] c [SEP]`,
 * `<s> q </s></s> c </s>`, ...), padded to the longest, written straight into the typed arrays onnxruntime
 * takes, so no per-token objects are allocated. Token types are zeros when the tokenizer gives none.
 */
export function assembleBatch(rows: readonly BatchRow[], options: AssembleOptions): BatchTensors {
  const { layout } = options;
  const specials = layoutLength(layout);
  const shaped = rows.map(({ question, context }) => {
    const kept = question.slice(0, options.maxQuestionTokens);
    const room = Math.max(0, options.maxSequenceLength - kept.length - specials);
    return { question: kept, context: context.length > room ? context.slice(0, room) : context };
  });
  const sequenceLength = Math.max(0, ...shaped.map((r) => r.question.length + r.context.length + specials));
  const batchSize = rows.length;
  const inputIds = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(layout.padId));
  const attentionMask = new BigInt64Array(batchSize * sequenceLength);
  const tokenTypeIds = new BigInt64Array(batchSize * sequenceLength);
  const types = layout.tokenTypeIds;
  const writePart = (part: LayoutPart, at: number): number => {
    for (let i = 0; i < part.ids.length; i++) {
      inputIds[at + i] = BigInt(part.ids[i]);
      if (types) tokenTypeIds[at + i] = BigInt(part.typeIds[i]);
    }
    return at + part.ids.length;
  };
  const writeText = (ids: readonly number[], typeId: number, at: number): number => {
    for (let i = 0; i < ids.length; i++) inputIds[at + i] = BigInt(ids[i]);
    if (types && typeId !== 0) tokenTypeIds.fill(BigInt(typeId), at, at + ids.length);
    return at + ids.length;
  };
  const layouts: RowLayout[] = shaped.map(({ question, context }, row) => {
    const base = row * sequenceLength;
    let at = writePart(layout.beforeQuestion, base);
    at = writeText(question, layout.questionTypeId, at);
    const contextStart = writePart(layout.betweenTexts, at);
    at = writeText(context, layout.contextTypeId, contextStart);
    const end = writePart(layout.afterContext, at);
    attentionMask.fill(1n, base, end);
    return { contextStart: contextStart - base, contextLength: context.length };
  });
  return { inputIds, attentionMask, tokenTypeIds, batchSize, sequenceLength, rows: layouts };
}
