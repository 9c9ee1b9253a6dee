/** The InferenceRuntime on onnxruntime-node: its CPU execution provider, or CUDA where the installed build has it. */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { workerModuleUrl } from '../../paths.js';
import { WorkerClient } from '../../worker-rpc.js';
import type { BatchTensors } from '../assemble.js';
import { ModelLoadError } from '../model-dir.js';
import type { Device, InferenceRuntime, QaLogits, QaModelSession } from './inference-runtime.js';
import type { SessionThreadData, SessionThreadReady } from './onnx-session-thread.js';

export interface OnnxRuntimeOptions {
  device?: Device;
  /** Threads one inference may use (0: onnxruntime decides); runs happen on a thread of their own, never on the event loop. */
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
    const data: SessionThreadData = {
      modelPath,
      options: {
        executionProviders: [this.device],
        intraOpNumThreads: this.intraOpThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      },
    };
    let started: { client: WorkerClient; ready: SessionThreadReady };
    try {
      started = await WorkerClient.start<SessionThreadReady>(workerModuleUrl(import.meta.url, './onnx-session-thread.js'), data, {
        name: 'kgqa model',
        failure: (error) => Object.assign(new Error(error.message), { name: error.name }),
      });
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      throw new ModelLoadError(`model ${modelPath}: ${this.description} cannot load it (${reason})`);
    }
    const { client, ready } = started;
    const missing =
      REQUIRED_INPUTS.filter((name) => !ready.inputNames.includes(name)).map((name) => `has no "${name}" input`)[0] ??
      REQUIRED_OUTPUTS.filter((name) => !ready.outputNames.includes(name)).map((name) => `has no "${name}" output`)[0];
    if (missing) {
      await client.close();
      throw new ModelLoadError(`model ${modelPath}: ${missing}`);
    }
    return new ThreadedQaSession(client, ready.inputNames);
  }
}

class ThreadedQaSession implements QaModelSession {
  private readonly takesTokenTypes: boolean;

  constructor(
    private readonly thread: WorkerClient,
    readonly inputNames: readonly string[],
  ) {
    // DistilBERT, RoBERTa, XLM-R and DeBERTa-v3 exports have no token types.
    this.takesTokenTypes = inputNames.includes('token_type_ids');
  }

  run(batch: BatchTensors): Promise<QaLogits> {
    // Copied to the thread, not moved: the reader reads inputIds again to select spans.
    const inputs: Record<string, BigInt64Array> = { input_ids: batch.inputIds, attention_mask: batch.attentionMask };
    if (this.takesTokenTypes) inputs.token_type_ids = batch.tokenTypeIds;
    return this.thread.call<QaLogits>('run', [inputs, [batch.batchSize, batch.sequenceLength]]);
  }

  release(): Promise<void> {
    return this.thread.close();
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
