/** A reader for a model folder with the usual parts: the folder's own tokenizer, and onnxruntime-node unless another runtime is given. */
import { openModelDir, type ModelVariant } from './model-dir.js';
import { QaReader, type ReaderOptions } from './reader.js';
import type { InferenceRuntime } from './runtime/inference-runtime.js';
import { OnnxRuntimeNode, type OnnxRuntimeOptions } from './runtime/onnxruntime-node.js';
import { loadTokenizer } from './tokenizers/load-tokenizer.js';

export interface LoadReaderOptions extends ReaderOptions, OnnxRuntimeOptions {
  variant?: ModelVariant;
  /** What answers, for people (a Hub id); default the folder's name. */
  name?: string;
  /** Runs the weights instead of onnxruntime-node (then device and intraOpThreads are that runtime's business). */
  runtime?: InferenceRuntime;
}

export async function loadQaReader(dir: string, options: LoadReaderOptions = {}): Promise<QaReader> {
  const runtime = options.runtime ?? new OnnxRuntimeNode(options);
  const model = await openModelDir(dir, options.variant ?? 'fp32', options.name);
  return QaReader.open({ model, tokenizer: await loadTokenizer(model.path), runtime }, options);
}
