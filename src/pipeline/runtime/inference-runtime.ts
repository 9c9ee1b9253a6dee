/**
 * The inference-runtime seam: what the reader needs of whatever runs the model. onnxruntime-node on the CPU (or
 * CUDA, where the installed build has it) is one implementation; a GPU build or a remote inference server is another.
 */
import type { BatchTensors } from '../assemble.js';

export const DEVICES = ['cpu', 'cuda'] as const;
export type Device = (typeof DEVICES)[number];

export interface QaLogits {
  /** [batch × sequence] row-major, one logit per token. */
  startLogits: Float32Array;
  endLogits: Float32Array;
}

export interface InferenceRuntime {
  /** What runs the model, for start-up lines and errors ("onnxruntime-node on cpu"). */
  readonly description: string;
  /** Loads one model file; fails with a ModelLoadError naming the file and what is wrong. */
  load(modelPath: string): Promise<QaModelSession>;
}

/** One loaded QA model: a whole batch of (question, candidate) rows per run. */
export interface QaModelSession {
  /** The model's inputs: input_ids and attention_mask, and token_type_ids only where the model takes them. */
  readonly inputNames: readonly string[];
  run(batch: BatchTensors): Promise<QaLogits>;
  release(): Promise<void>;
}
