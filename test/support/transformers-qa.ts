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

export interface TransformersQa {
  /** One (question, context) pair per call, as a caller without batching would run it. */
  answer(question: string, context: string): Promise<TransformersQaAnswer>;
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
  return {
    async answer(question, context) {
      const result = await qa(question, context);
      const single = Array.isArray(result) ? result[0] : result;
      return { answer: single.answer, score: single.score };
    },
    decode: (ids) => qa.tokenizer.decode([...ids], { skip_special_tokens: true }),
    dispose: () => qa.dispose(),
  };
}
