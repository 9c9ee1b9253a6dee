import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { assembleBatch, rowLength, type AssembleOptions } from './assemble.js';
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
}

export interface ReadSpan {
  /** Character offsets into the sentence text. */
  start: number;
  end: number;
  score: number;
}

/** Where one read's time went, in milliseconds. */
export interface ReadTimings {
  assembleMs: number;
  inferMs: number;
  selectMs: number;
}

export const DEFAULT_MAX_ANSWER_TOKENS = 30;
export const DEFAULT_RUN_COST_TOKENS = 16;

type ReadRow = { question: TokenizedText; sentence: TokenizedText };

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
  ) {}

  /** Loads the model's weights into the runtime; the reader releases them on close(). */
  static async open({ model, tokenizer, runtime }: ReaderParts, options: ReaderOptions = {}): Promise<QaReader> {
    const [session, onnxInfo] = await Promise.all([runtime.load(model.onnxPath), stat(model.onnxPath)]);
    const fingerprint = createHash('sha256')
      .update([tokenizer.fingerprint, model.onnxPath, onnxInfo.size, onnxInfo.mtimeMs].join('\u0000'))
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
    );
  }

  /** A span per (question, sentence) row (null when a sentence has no tokens), read in as few runs as pays. */
  async read(rows: readonly ReadRow[], timings?: ReadTimings): Promise<(ReadSpan | null)[]> {
    const planning = performance.now();
    const options = this.assembleOptions();
    const lengths = rows.map((row) => rowLength(row.question.ids.length, row.sentence.ids.length, options));
    const batches = planBatches(lengths, this.runCostTokens);
    if (timings) timings.assembleMs += performance.now() - planning;
    const spans: (ReadSpan | null)[] = rows.map(() => null);
    for (const batch of batches) {
      const read = await this.readBatch(batch.map((i) => rows[i]), options, timings);
      batch.forEach((row, j) => (spans[row] = read[j]));
    }
    return spans;
  }

  private assembleOptions(): AssembleOptions {
    const { pairLayout, maxSequenceLength } = this.tokenizer;
    return { layout: pairLayout, maxSequenceLength, maxQuestionTokens: this.maxQuestionTokens };
  }

  /** One batched inference over the rows, padded to the longest. */
  private async readBatch(rows: readonly ReadRow[], options: AssembleOptions, timings?: ReadTimings): Promise<(ReadSpan | null)[]> {
    let mark = performance.now();
    const lap = (field: keyof ReadTimings) => {
      const now = performance.now();
      if (timings) timings[field] += now - mark;
      mark = now;
    };
    const { specialIds } = this.tokenizer;
    const batch = assembleBatch(
      rows.map((row) => ({ question: row.question.ids, context: row.sentence.ids })),
      options,
    );
    lap('assembleMs');
    const { startLogits, endLogits } = await this.session.run(batch);
    lap('inferMs');
    const spans = batch.rows.map((layout, row) => {
      const base = row * batch.sequenceLength;
      const isSpecial = (i: number) => specialIds.has(Number(batch.inputIds[base + i]));
      const span = bestSpan(startLogits, endLogits, base, batch.sequenceLength, layout, isSpecial, this.maxAnswerTokens);
      if (!span) return null;
      const offsets = rows[row].sentence.offsets;
      const first = span.startToken - layout.contextStart;
      const last = span.endToken - layout.contextStart;
      return { start: offsets[2 * first], end: offsets[2 * last + 1], score: span.score };
    });
    lap('selectMs');
    return spans;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
