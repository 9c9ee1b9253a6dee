/**
 * Writes a complete Hugging Face / transformers.js model directory for a
 * generated (random-weight) BERT question-answering model.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ONNX_FILES } from '../pipeline/model-dir.js';
import { BERT_QA_OPSETS, buildBertQaGraph, type Int8MatMulStyle, type WeightFormat } from './bert-qa-graph.js';
import { bertQaConfigJson } from './hf-config.js';
import { DEFAULT_MATMUL_INT8_RANGE, type Int8Range } from './int8-quantization.js';
import { writeOnnxModel } from './onnx-writer.js';
import { PRESETS, parameterCount, type PresetName } from './presets.js';
import { formatBytes } from '../format-bytes.js';
import { bertUncasedVocab, specialTokensMapJson, tokenizerConfigJson, tokenizerJson, vocabTxt } from './tokenizer-files.js';

export const DEFAULT_SEED = 42;

export interface GenerateModelOptions {
  preset: PresetName;
  outDir: string;
  /** Unsigned 32-bit integer; same seed, same bytes. */
  seed?: number;
  /** Also write onnx/model_quantized.onnx (int8 weights). */
  quantized?: boolean;
  /** Default "matmul-integer" (standard ops; measured as fast as the contrib op once fused). */
  int8MatMul?: Int8MatMulStyle;
  /** Largest |int8| of MatMul weights; default DEFAULT_MATMUL_INT8_RANGE. */
  int8Range?: Int8Range;
  /** Progress lines, e.g. console.error. */
  log?: (line: string) => void;
}

export interface GeneratedFile {
  /** Relative to the model directory. */
  file: string;
  bytes: number;
  seconds: number;
}

export interface GeneratedModel {
  dir: string;
  preset: PresetName;
  seed: number;
  parameters: number;
  files: GeneratedFile[];
  seconds: number;
}

export function writeModelDir(options: GenerateModelOptions): GeneratedModel {
  const { preset, outDir } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed must be an integer in [0, 2^32): ${seed}`);
  }
  const shape = PRESETS[preset];
  const log = options.log ?? (() => {});
  const started = performance.now();
  const files: GeneratedFile[] = [];

  const timed = (file: string, write: (path: string) => void): void => {
    const t0 = performance.now();
    const path = join(outDir, file);
    // Write beside, then rename: an interrupted run never leaves a truncated
    // file under the name transformers.js will load.
    const partial = `${path}.partial`;
    try {
      write(partial);
      renameSync(partial, path);
    } finally {
      rmSync(partial, { force: true });
    }
    const entry = { file, bytes: statSync(path).size, seconds: (performance.now() - t0) / 1000 };
    files.push(entry);
    log(`${file}: ${formatBytes(entry.bytes)} in ${entry.seconds.toFixed(2)} s`);
  };
  const json = (file: string, value: object) => timed(file, (p) => writeFileSync(p, JSON.stringify(value, null, 2) + '\n'));

  mkdirSync(dirname(join(outDir, ONNX_FILES.fp32)), { recursive: true });
  const vocab = bertUncasedVocab();
  json('config.json', bertQaConfigJson(preset, shape, seed));
  timed('vocab.txt', (p) => writeFileSync(p, vocabTxt(vocab)));
  json('tokenizer.json', tokenizerJson(vocab));
  json('tokenizer_config.json', tokenizerConfigJson());
  json('special_tokens_map.json', specialTokensMapJson());

  const writeGraph = (file: string, weights: WeightFormat) =>
    timed(file, (p) =>
      writeOnnxModel(p, buildBertQaGraph({ shape, seed, weights }), {
        irVersion: 8,
        opsetImports: BERT_QA_OPSETS,
        producerName: 'kgqa generate-model',
        producerVersion: '1',
        docString: `BertForQuestionAnswering, preset ${preset}, RANDOM weights (seed ${seed}): answers are not meaningful.`,
        metadata: { kgqa_generated: 'true', kgqa_seed: String(seed), kgqa_preset: preset, weights: weights.kind },
      }),
    );

  writeGraph(ONNX_FILES.fp32, { kind: 'fp32' });
  if (options.quantized) {
    writeGraph(ONNX_FILES.int8, {
      kind: 'int8',
      matmul: options.int8MatMul ?? 'matmul-integer',
      range: options.int8Range ?? DEFAULT_MATMUL_INT8_RANGE,
    });
  } else {
    // A quantized file left from an earlier run would not match the new weights.
    rmSync(join(outDir, ONNX_FILES.int8), { force: true });
  }

  return {
    dir: outDir,
    preset,
    seed,
    parameters: parameterCount(shape),
    files,
    seconds: (performance.now() - started) / 1000,
  };
}

