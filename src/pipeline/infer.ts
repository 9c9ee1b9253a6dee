import * as ort from 'onnxruntime-node';
import type { BatchTensors } from './assemble.js';
import { ModelLoadError, type ModelDir } from './model-dir.js';

export interface InferenceOptions {
  /** Threads one inference may use; the event loop stays free either way since runs are asynchronous. */
  intraOpThreads: number;
}

export interface QaLogits {
  startLogits: Float32Array;
  endLogits: Float32Array;
}

/** One onnxruntime session over a QA model; `run` takes a whole batch of candidates at once. */
export class QaSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly model: ModelDir,
  ) {}

  static async load(model: ModelDir, options: InferenceOptions): Promise<QaSession> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.onnxPath, {
        intraOpNumThreads: options.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new ModelLoadError(`model ${model.onnxPath}: onnxruntime cannot load it (${(error as Error).message})`);
    }
    for (const name of ['input_ids', 'attention_mask']) {
      if (!session.inputNames.includes(name)) throw new ModelLoadError(`model ${model.onnxPath}: has no "${name}" input`);
    }
    for (const name of ['start_logits', 'end_logits']) {
      if (!session.outputNames.includes(name)) throw new ModelLoadError(`model ${model.onnxPath}: has no "${name}" output`);
    }
    return new QaSession(session, model);
  }

  async run(batch: BatchTensors): Promise<QaLogits> {
    const dims = [batch.batchSize, batch.sequenceLength];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', batch.inputIds, dims),
      attention_mask: new ort.Tensor('int64', batch.attentionMask, dims),
    };
    // DistilBERT-style exports have no token types.
    if (this.session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', batch.tokenTypeIds, dims);
    const output = await this.session.run(feeds);
    return { startLogits: output.start_logits.data as Float32Array, endLogits: output.end_logits.data as Float32Array };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
