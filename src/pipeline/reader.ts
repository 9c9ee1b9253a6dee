import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { assembleBatch, contextWindows, DEFAULT_DOC_STRIDE, rowLength, type AssembleOptions, type ContextWindow } from './assemble.js';
import { planBatches } from './batch-plan.js';
import type { ModelDir } from './model-dir.js';
import type { InferenceRuntime, QaModelSession } from './runtime/inference-runtime.js';
import { bestSpan } from './select.js';
import type { TokenizedText, Tokenizer } from './tokenizers/tokenizer.js';

/** What a reader is made of: a checked model folder, its tokenizer, and the runtime that runs its weights. */
export interface ReaderParts {
  model: ModelDir;
  tokenizer: Tokenizer;
  runtime: InferenceRuntime;
}

export interface ReaderOptions {
  /** Longest answer, in tokens. */
  maxAnswerTokens?: number;
  maxQuestionTokens?: number;
  /**
   * Fixed cost of one onnxruntime run, in tokens' worth of compute: rows are read in batches of similar
   * length whenever padding them to a common length would cost more than that (see planBatches).
   */
  runCostTokens?: number;
  /** Tokens shared by consecutive windows of a context too long for one input (Hugging Face's doc_stride). */
  docStride?: number;
  /** Whether the model was trained to say "no answer" (SQuAD 2.0): then a passage whose null score wins has none. */
  noAnswer?: boolean;
  /** A span must score at least its passage's null score minus this to answer (0: as Hugging Face decides). */
  nullThreshold?: number;
}

/** How a model that can say "no answer" decides it, per passage (see answersPassage). */
export interface NoAnswerPolicy {
  nullThreshold: number;
}

export interface ReadSpan {
  /** Character offsets into the passage text. */
  start: number;
  end: number;
  /** The best span's score in the window it was found in (windows are scored apart, as Hugging Face scores them). */
  score: number;
  /** The lowest null score over the passage's windows (Hugging Face's min_null_score). */
  nullScore: number;
}

/** Where one read's time went, in milliseconds. */
export interface ReadTimings {
  assembleMs: number;
  inferMs: number;
  selectMs: number;
}

export const DEFAULT_MAX_ANSWER_TOKENS = 30;
export const DEFAULT_RUN_COST_TOKENS = 16;
// Part of the reader's fingerprint: a change to how spans are read makes cached answers of the old reading unreachable.
const READING_VERSION = 'windows+null-score';

type ReadRow = { question: TokenizedText; sentence: TokenizedText };
/** One model input: a window of a row's passage. */
type WindowRow = { row: number; window: ContextWindow };

/** The extractive reader: assemble the candidates into batches of similar length, infer, select a span per candidate. */
export class QaReader {
  private constructor(
    readonly model: ModelDir,
    readonly tokenizer: Tokenizer,
    private readonly session: QaModelSession,
    /** Identifies weights and tokenizer; cached answers of another model are never reused. */
    readonly fingerprint: string,
    private readonly maxAnswerTokens: number,
    private readonly maxQuestionTokens: number,
    private readonly runCostTokens: number,
    private readonly docStride: number,
    /** Null when the model cannot say "no answer": its best span always answers. */
    readonly noAnswer: NoAnswerPolicy | null,
  ) {}

  /** Loads the model's weights into the runtime; the reader releases them on close(). */
  static async open({ model, tokenizer, runtime }: ReaderParts, options: ReaderOptions = {}): Promise<QaReader> {
    const [session, onnxInfo] = await Promise.all([runtime.load(model.onnxPath), stat(model.onnxPath)]);
    const fingerprint = createHash('sha256')
      .update([READING_VERSION, tokenizer.fingerprint, model.onnxPath, onnxInfo.size, onnxInfo.mtimeMs].join('\u0000'))
      .digest('hex')
      .slice(0, 16);
    return new QaReader(
      model,
      tokenizer,
      session,
      fingerprint,
      options.maxAnswerTokens ?? DEFAULT_MAX_ANSWER_TOKENS,
      options.maxQuestionTokens ?? 64,
      options.runCostTokens ?? DEFAULT_RUN_COST_TOKENS,
      options.docStride ?? DEFAULT_DOC_STRIDE,
      options.noAnswer ? { nullThreshold: options.nullThreshold ?? 0 } : null,
    );
  }

  /**
   * A span per (question, passage) row (null when a passage has no tokens), read in as few runs as pays. A passage
   * too long for one input is read in overlapping windows (contextWindows); its span is the best of its windows'.
   */
  async read(rows: readonly ReadRow[], timings?: ReadTimings): Promise<(ReadSpan | null)[]> {
    const planning = performance.now();
    const options = this.assembleOptions();
    const windows: WindowRow[] = rows.flatMap((row, index) =>
      contextWindows(row.question.ids.length, row.sentence.ids.length, options, this.docStride).map((window) => ({ row: index, window })),
    );
    const lengths = windows.map(({ row, window }) => rowLength(rows[row].question.ids.length, window[1] - window[0], options));
    const batches = planBatches(lengths, this.runCostTokens);
    if (timings) timings.assembleMs += performance.now() - planning;
    const spans: (WindowSpan | null)[] = rows.map(() => null);
    for (const batch of batches) {
      // Batches come shortest first; windows of a row are merged in window order, so ties go to the earlier window.
      const read = await this.readBatch(batch.map((i) => windows[i]), rows, options, timings);
      batch.forEach((i, j) => (spans[windows[i].row] = mergeWindows(spans[windows[i].row], read[j], i)));
    }
    return spans.map((span) => span && { start: span.start, end: span.end, score: span.score, nullScore: span.nullScore });
  }

  private assembleOptions(): AssembleOptions {
    const { pairLayout, maxSequenceLength } = this.tokenizer;
    return { layout: pairLayout, maxSequenceLength, maxQuestionTokens: this.maxQuestionTokens };
  }

  /** One batched inference over the windows, padded to the longest. */
  private async readBatch(windows: readonly WindowRow[], rows: readonly ReadRow[], options: AssembleOptions, timings?: ReadTimings): Promise<(ReadSpan | null)[]> {
    let mark = performance.now();
    const lap = (field: keyof ReadTimings) => {
      const now = performance.now();
      if (timings) timings[field] += now - mark;
      mark = now;
    };
    const { specialIds } = this.tokenizer;
    const batch = assembleBatch(
      windows.map(({ row, window }) => ({ question: rows[row].question.ids, context: rows[row].sentence.ids.slice(window[0], window[1]) })),
      options,
    );
    lap('assembleMs');
    const { startLogits, endLogits } = await this.session.run(batch);
    lap('inferMs');
    const spans = batch.rows.map((layout, i) => {
      const base = i * batch.sequenceLength;
      const isSpecial = (k: number) => specialIds.has(Number(batch.inputIds[base + k]));
      const span = bestSpan(startLogits, endLogits, base, batch.sequenceLength, layout, isSpecial, this.maxAnswerTokens);
      if (!span) return null;
      const offsets = rows[windows[i].row].sentence.offsets;
      const first = windows[i].window[0] + span.startToken - layout.contextStart;
      const last = windows[i].window[0] + span.endToken - layout.contextStart;
      return { start: offsets[2 * first], end: offsets[2 * last + 1], score: span.score, nullScore: span.nullScore };
    });
    lap('selectMs');
    return spans;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

type WindowSpan = ReadSpan & { windowIndex: number };

/**
 * A row's span so far merged with one more window's: the higher score (the earlier window on a tie, as Hugging
 * Face's stable sort over its windows' answers keeps it), and the lower null score.
 */
function mergeWindows(held: WindowSpan | null, next: ReadSpan | null, windowIndex: number): WindowSpan | null {
  if (!next) return held;
  const candidate: WindowSpan = { ...next, windowIndex };
  if (!held) return candidate;
  const better = next.score > held.score || (next.score === held.score && windowIndex < held.windowIndex);
  return { ...(better ? candidate : held), nullScore: Math.min(held.nullScore, next.nullScore) };
}
