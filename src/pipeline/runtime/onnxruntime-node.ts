/** The InferenceRuntime on onnxruntime-node: its CPU execution provider, or CUDA where the installed build has it. */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { BatchTensors } from '../assemble.js';
import { ModelLoadError } from '../model-dir.js';
import type { Device, InferenceRuntime, QaLogits, QaModelSession } from './inference-runtime.js';

export interface OnnxRuntimeOptions {
  device?: Device;
  /** Threads one inference may use (0: onnxruntime decides); the event loop stays free either way since runs are asynchronous. */
  intraOpThreads?: number;
}

const REQUIRED_INPUTS = ['input_ids', 'attention_mask'];
const REQUIRED_OUTPUTS = ['start_logits', 'end_logits'];

export class UnsupportedDeviceError extends Error {}

export class OnnxRuntimeNode implements InferenceRuntime {
  readonly description: string;
  private readonly device: Device;
  private readonly intraOpThreads: number;

  /** Throws UnsupportedDeviceError, one line, when this onnxruntime-node build cannot run on `device`. */
  constructor(options: OnnxRuntimeOptions = {}) {
    this.device = options.device ?? 'cpu';
    this.intraOpThreads = options.intraOpThreads ?? 0;
    if (this.device === 'cuda' && !hasCudaProvider()) {
      // Checked before any session: onnxruntime would print a multi-line native error of its own first.
      throw new UnsupportedDeviceError(
        '--device cuda: this onnxruntime-node build has no CUDA execution provider (its CUDA libraries are not installed; reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL_CUDA set, on Linux x64 with CUDA 12), use --device cpu',
      );
    }
    this.description = `onnxruntime-node on ${this.device}`;
  }

  async load(modelPath: string): Promise<QaModelSession> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [this.device],
        intraOpNumThreads: this.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      throw new ModelLoadError(`model ${modelPath}: ${this.description} cannot load it (${reason})`);
    }
    for (const name of REQUIRED_INPUTS) {
      if (!session.inputNames.includes(name)) throw new ModelLoadError(`model ${modelPath}: has no "${name}" input`);
    }
    for (const name of REQUIRED_OUTPUTS) {
      if (!session.outputNames.includes(name)) throw new ModelLoadError(`model ${modelPath}: has no "${name}" output`);
    }
    return new OnnxQaSession(session);
  }
}

class OnnxQaSession implements QaModelSession {
  readonly inputNames: readonly string[];
  private readonly takesTokenTypes: boolean;

  constructor(private readonly session: ort.InferenceSession) {
    this.inputNames = session.inputNames;
    // DistilBERT, RoBERTa, XLM-R and DeBERTa-v3 exports have no token types.
    this.takesTokenTypes = session.inputNames.includes('token_type_ids');
  }

  async run(batch: BatchTensors): Promise<QaLogits> {
    const dims = [batch.batchSize, batch.sequenceLength];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', batch.inputIds, dims),
      attention_mask: new ort.Tensor('int64', batch.attentionMask, dims),
    };
    if (this.takesTokenTypes) feeds.token_type_ids = new ort.Tensor('int64', batch.tokenTypeIds, dims);
    const output = await this.session.run(feeds);
    return { startLogits: output.start_logits.data as Float32Array, endLogits: output.end_logits.data as Float32Array };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Whether onnxruntime-node can run on CUDA here: the binding must know the CUDA provider and its shared library
 * must sit beside the binding (npm installs it only when asked to download the CUDA build).
 */
function hasCudaProvider(): boolean {
  if (!ort.listSupportedBackends().some((backend) => backend.name === 'cuda')) return false;
  const bin = join(dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node'))), 'bin');
  const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  const napiDirs = existsSync(bin) ? readdirSync(bin) : [];
  return napiDirs.some((napi) => existsSync(join(bin, napi, process.platform, process.arch, library)));
}
