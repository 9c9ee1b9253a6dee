/** Repository folders for the mock Hub, made of generated models (random weights, real layout). */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeModelDir } from '../../src/model-generator/write-model-dir.js';
import type { HubSettings } from '../../src/hub/hub-settings.js';
import { temporaryDir } from './cli.js';
import type { MockHub } from './mock-hub.js';

/** A tiny BERT QA model as Xenova/* repositories lay it out (onnx/model.onnx, onnx/model_quantized.onnx). */
export function generatedRepo(seed: number): string {
  const dir = join(temporaryDir('kgqa-hub-repo-'), `tiny-${seed}`);
  writeModelDir({ preset: 'bert-tiny', outDir: dir, seed, quantized: true });
  return dir;
}

/** A PyTorch-only repository, like deepset/roberta-base-squad2: no ONNX export. */
export function pytorchOnlyRepo(from: string): string {
  const dir = temporaryDir('kgqa-hub-pt-');
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(from, file), join(dir, file));
  writeFileSync(join(dir, 'model.safetensors'), Buffer.alloc(4096, 1));
  writeFileSync(join(dir, 'pytorch_model.bin'), Buffer.alloc(4096, 2));
  return dir;
}

/** An optimum-style export: the fp32 graph at the root as model.onnx, and only a WordPiece vocab.txt. */
export function rootOnnxRepo(from: string): string {
  const dir = temporaryDir('kgqa-hub-root-');
  for (const file of ['config.json', 'vocab.txt', 'tokenizer_config.json']) copyFileSync(join(from, file), join(dir, file));
  copyFileSync(join(from, 'onnx', 'model.onnx'), join(dir, 'model.onnx'));
  return dir;
}

/** The same files with config.json no longer flagging random weights: stands in for a trained model. */
export function pretendTrainedRepo(from: string): string {
  const dir = temporaryDir('kgqa-hub-trained-');
  mkdirSync(join(dir, 'onnx'));
  for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx']) copyFileSync(join(from, file), join(dir, file));
  const config = JSON.parse(readFileSync(join(from, 'config.json'), 'utf8'));
  for (const key of Object.keys(config)) if (key.startsWith('kgqa_')) delete config[key];
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

export function hubSettings(hub: Pick<MockHub, 'url'>, overrides: Partial<HubSettings> = {}): HubSettings {
  return { endpoint: hub.url, cacheDir: temporaryDir('kgqa-hub-cache-'), offline: false, timeoutMs: 5000, ...overrides };
}

/** A local address nothing listens on: connections are refused, as with no network. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
