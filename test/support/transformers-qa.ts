/**
 * transformers.js's question-answering pipeline over one of our local model folders: the reference we are
 * held to (parity test) and the baseline we are timed against (benchmarks).
 */
import { basename, dirname, resolve } from 'node:path';
import type { ModelVariant } from '../../src/pipeline/model-dir.js';

export interface TransformersQaAnswer {
  answer: string;
  score: number;
}

/** Softmax of plain numbers, as transformers.js's pipeline normalizes logits. */
function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export interface TransformersQa {
  /** One (question, context) pair per call, as a caller without batching would run it. */
  answer(question: string, context: string): Promise<TransformersQaAnswer>;
  /**
   * The null (no-answer) score Hugging Face's pipeline gives the pair with handle_impossible_answer, computed on
   * transformers.js's own tokens and logits with its pipeline's masking (its pipeline has no such option):
   * [CLS]'s start probability times its end probability.
   */
  nullScore(question: string, context: string): Promise<number>;
  /** The best span's score when answers are at most `maxAnswerTokens` long (the pipeline bounds none), on the same probabilities. */
  boundedScore(question: string, context: string, maxAnswerTokens: number): Promise<number>;
  /** transformers.js's decoding of token ids (word pieces joined, special tokens skipped). */
  decode(ids: readonly number[]): string;
  dispose(): Promise<void>;
}

export async function loadTransformersQa(modelDir: string, options: { variant?: ModelVariant; threads?: number } = {}): Promise<TransformersQa> {
  const { env, pipeline } = await import('@huggingface/transformers');
  const dir = resolve(modelDir);
  env.allowRemoteModels = false;
  env.localModelPath = dirname(dir);
  env.useFSCache = false; // never copy model files into node_modules/.cache
  const qa = await pipeline('question-answering', basename(dir), {
    dtype: options.variant === 'int8' ? 'q8' : 'fp32',
    device: 'cpu',
    // 0 lets onnxruntime choose, as QaReader's intraOpThreads 0 does.
    session_options: { intraOpNumThreads: options.threads ?? 0 },
  });
  /** Start and end probabilities over transformers.js's tokens and logits, masked as its pipeline masks them. */
  const probabilities = async (question: string, context: string) => {
    const inputs = qa.tokenizer(question, { text_pair: context, padding: true, truncation: true });
    const { start_logits, end_logits } = await qa.model(inputs);
    const ids: bigint[] = inputs.input_ids.tolist()[0];
    const { all_special_ids, sep_token_id } = qa.tokenizer as unknown as { all_special_ids: number[]; sep_token_id: number };
    const sepIndex = ids.findIndex((id) => Number(id) === sep_token_id);
    const masked = (logits: number[]) => logits.map((v, i) => (i >= 1 && (i <= sepIndex || all_special_ids.includes(Number(ids[i]))) ? -Infinity : v));
    return { start: softmax(masked(start_logits[0].tolist() as number[])), end: softmax(masked(end_logits[0].tolist() as number[])) };
  };
  return {
    async answer(question, context) {
      const result = await qa(question, context);
      const single = Array.isArray(result) ? result[0] : result;
      return { answer: single.answer, score: single.score };
    },
    async nullScore(question, context) {
      const { start, end } = await probabilities(question, context);
      return start[0] * end[0];
    },
    async boundedScore(question, context, maxAnswerTokens) {
      const { start, end } = await probabilities(question, context);
      let best = 0;
      for (let i = 1; i < start.length; i++) {
        for (let j = i; j < Math.min(end.length, i + maxAnswerTokens); j++) best = Math.max(best, start[i] * end[j]);
      }
      return best;
    },
    decode: (ids) => qa.tokenizer.decode([...ids], { skip_special_tokens: true }),
    dispose: () => qa.dispose(),
  };
}
