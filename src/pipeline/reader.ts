import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { assembleBatch } from './assemble.js';
import { QaSession } from './infer.js';
import { openModelDir, type ModelDir, type ModelVariant } from './model-dir.js';
import { bestSpan } from './select.js';
import { WordPieceTokenizer, type TokenizedText } from './tokenize.js';

export interface ReaderOptions {
  variant?: ModelVariant;
  intraOpThreads?: number;
  /** Longest answer, in tokens. */
  maxAnswerTokens?: number;
  maxQuestionTokens?: number;
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

/** The extractive reader: assemble every candidate into one batch, infer once, select a span per candidate. */
export class QaReader {
  private constructor(
    readonly model: ModelDir,
    readonly tokenizer: WordPieceTokenizer,
    private readonly session: QaSession,
    /** Identifies weights and tokenizer; cached answers of another model are never reused. */
    readonly fingerprint: string,
    private readonly maxAnswerTokens: number,
    private readonly maxQuestionTokens: number,
  ) {}

  static async load(dir: string, options: ReaderOptions = {}): Promise<QaReader> {
    const model = await openModelDir(dir, options.variant ?? 'fp32');
    const [tokenizer, session, onnxInfo] = await Promise.all([
      WordPieceTokenizer.fromModelDir(model.path),
      QaSession.load(model, { intraOpThreads: options.intraOpThreads ?? 0 }),
      stat(model.onnxPath),
    ]);
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
    );
  }

  /** One batched inference over every (question, sentence) row; a span per row (null when a sentence has no tokens). */
  async read(rows: readonly { question: TokenizedText; sentence: TokenizedText }[], timings?: ReadTimings): Promise<(ReadSpan | null)[]> {
    if (rows.length === 0) return [];
    let mark = performance.now();
    const lap = (field: keyof ReadTimings) => {
      const now = performance.now();
      if (timings) timings[field] += now - mark;
      mark = now;
    };
    const { special, specialIds, maxSequenceLength } = this.tokenizer;
    const batch = assembleBatch(
      rows.map((row) => ({ question: row.question.ids, context: row.sentence.ids })),
      { ...special, maxSequenceLength, maxQuestionTokens: this.maxQuestionTokens },
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
