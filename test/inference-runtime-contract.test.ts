/**
 * The InferenceRuntime contract, run on every implementation (onnxruntime-node on the CPU today): a loaded model
 * reports its inputs, runs a padded batch into one start and one end logit per token, is fed token_type_ids
 * exactly when it takes them, and a file that is not a QA model fails with one line naming it. Then what is
 * onnxruntime-node's own: --device cuda on a build without CUDA.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../src/model-generator/onnx-graph.js';
import { writeOnnxModel } from '../src/model-generator/onnx-writer.js';
import { assembleBatch, type BatchTensors } from '../src/pipeline/assemble.js';
import { ModelLoadError, ONNX_FILES } from '../src/pipeline/model-dir.js';
import type { InferenceRuntime, QaModelSession } from '../src/pipeline/runtime/inference-runtime.js';
import { OnnxRuntimeNode, UnsupportedDeviceError } from '../src/pipeline/runtime/onnxruntime-node.js';
import { loadTokenizer } from '../src/pipeline/tokenizers/load-tokenizer.js';
import type { Tokenizer } from '../src/pipeline/tokenizers/tokenizer.js';
import { runCli, temporaryDir } from './support/cli.js';
import { generateModel } from './support/model.js';

const IMPLEMENTATIONS: [string, () => InferenceRuntime][] = [['onnxruntime-node (cpu)', () => new OnnxRuntimeNode({ device: 'cpu', intraOpThreads: 1 })]];

const QUESTION = 'Which receptor does the virus bind?';
const CONTEXTS = ['SARS-CoV-2 binds the ACE2 receptor on epithelial cells of the lung.', 'It binds ACE2.'];

function batchOf(tokenizer: Tokenizer): BatchTensors {
  const question = tokenizer.tokenize(QUESTION).ids;
  return assembleBatch(
    CONTEXTS.map((c) => ({ question, context: tokenizer.tokenize(c).ids })),
    { layout: tokenizer.pairLayout, maxSequenceLength: tokenizer.maxSequenceLength, maxQuestionTokens: 64 },
  );
}

let withTypes: string;
let withoutTypes: string;
let notQa: string;

beforeAll(() => {
  withTypes = generateModel('bert-tiny');
  withoutTypes = generateModel('deberta-v3-tiny');
  // A valid ONNX model with the QA inputs but not the QA outputs.
  const g = new GraphBuilder('not_qa');
  const ids = g.addInput('input_ids', 'int64', ['batch_size', 'sequence_length']);
  g.addInput('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  g.op1('Identity', [ids], { output: 'logits' });
  g.addOutput('logits', 'int64', ['batch_size', 'sequence_length']);
  notQa = join(temporaryDir(), 'not-qa.onnx');
  writeOnnxModel(notQa, g, { irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'test', producerVersion: '1' });
});

describe.each(IMPLEMENTATIONS)('InferenceRuntime contract: %s', (_name, makeRuntime) => {
  const runtime = makeRuntime();
  const sessions: QaModelSession[] = [];
  const load = async (path: string) => {
    const session = await runtime.load(path);
    sessions.push(session);
    return session;
  };
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.release()));
  });

  it('runs a padded batch into one start and one end logit per token, the same every time', async () => {
    const session = await load(join(withTypes, ONNX_FILES.fp32));
    const batch = batchOf(await loadTokenizer(withTypes));
    const { startLogits, endLogits } = await session.run(batch);
    expect(startLogits).toHaveLength(batch.batchSize * batch.sequenceLength);
    expect(endLogits).toHaveLength(batch.batchSize * batch.sequenceLength);
    expect([...startLogits, ...endLogits].every(Number.isFinite)).toBe(true);
    expect(startLogits).not.toEqual(endLogits);
    expect(await session.run(batch)).toEqual({ startLogits, endLogits });
  });

  it('feeds token_type_ids to a model that takes them: other type ids, other logits', async () => {
    const session = await load(join(withTypes, ONNX_FILES.fp32));
    expect(session.inputNames).toContain('token_type_ids');
    const batch = batchOf(await loadTokenizer(withTypes));
    const retyped = { ...batch, tokenTypeIds: batch.tokenTypeIds.map((t) => 1n - t) };
    expect((await session.run(retyped)).startLogits).not.toEqual((await session.run(batch)).startLogits);
  });

  it('runs a model without token types, whose tokenizer still gives them (DeBERTa-v3)', async () => {
    const session = await load(join(withoutTypes, ONNX_FILES.int8));
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
    const tokenizer = await loadTokenizer(withoutTypes);
    expect(tokenizer.pairLayout.tokenTypeIds).toBe(true);
    const batch = batchOf(tokenizer);
    expect((await session.run(batch)).startLogits).toHaveLength(batch.batchSize * batch.sequenceLength);
  });

  it('fails with one line naming the file for a missing file, a file that is not ONNX, and a model without QA outputs', async () => {
    const garbage = join(temporaryDir(), 'garbage.onnx');
    writeFileSync(garbage, 'not a model');
    for (const [path, reason] of [
      ['/no/such/model.onnx', /cannot load it/],
      [garbage, /cannot load it/],
      [notQa, /has no "start_logits" output/],
    ] as const) {
      const error = await runtime.load(path).catch((e: Error) => e);
      expect(error).toBeInstanceOf(ModelLoadError);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(reason);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('onnxruntime-node devices', () => {
  // npm ci runs with ONNXRUNTIME_NODE_INSTALL=skip, so the CUDA provider library is never downloaded.
  const bin = join(dirname(dirname(createRequire(import.meta.url).resolve('onnxruntime-node'))), 'bin');
  const cudaInstalled = readdirSync(bin).some((napi) => existsSync(join(bin, napi, process.platform, process.arch, 'libonnxruntime_providers_cuda.so')));

  it.skipIf(cudaInstalled)('refuses --device cuda on a build without CUDA, in one line, before loading anything', () => {
    const error = (() => {
      try {
        return new OnnxRuntimeNode({ device: 'cuda' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedDeviceError);
    expect((error as Error).message).toMatch(/^--device cuda: this onnxruntime-node build has no CUDA execution provider/);
    expect((error as Error).message).not.toContain('\n');
  });

  it.skipIf(cudaInstalled)('kgqa serve --device cuda exits 2 with that line, and --device takes only cpu or cuda', async () => {
    const cuda = await runCli(['serve', '--model', withTypes, '--device', 'cuda', '--data-dir', temporaryDir(), '--port', '0']);
    expect(cuda.code).toBe(2);
    expect(cuda.stderr.trim()).toMatch(/^kgqa: --device cuda: this onnxruntime-node build has no CUDA execution provider/);
    expect(cuda.stderr.trim().split('\n')).toHaveLength(1);
    const tpu = await runCli(['serve', '--model', withTypes, '--device', 'tpu', '--data-dir', temporaryDir()]);
    expect(tpu.code).toBe(2);
    expect(tpu.stderr).toMatch(/--device.*tpu.*(cpu|choices)/);
  });
});
