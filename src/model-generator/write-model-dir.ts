/**
 * Writes a complete Hugging Face / transformers.js model directory for a
 * generated (random-weight) question-answering model of any family.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ONNX_FILES } from '../pipeline/model-dir.js';
import { QA_GRAPH_OPSETS } from './encoder-blocks.js';
import type { Int8MatMulStyle, WeightFormat } from './graph-weights.js';
import { qaConfigJson } from './hf-config.js';
import { DEFAULT_MATMUL_INT8_RANGE, type Int8Range } from './int8-quantization.js';
import { writeOnnxModel } from './onnx-writer.js';
import { PRESETS, parameterCount, type ModelFamily, type PresetName, type QaModelShape } from './presets.js';
import { buildQaGraph } from './qa-graph.js';
import { formatBytes } from '../format-bytes.js';
import { FIXED_VOCABULARY_FAMILIES, writeTokenizerFolder, type TokenizerFamily } from './tokenizer-training/family-tokenizers.js';

/** The tokenizer each family ships, as its most used QA checkpoints have it. */
const TOKENIZER_OF: Record<ModelFamily, TokenizerFamily> = {
  bert: 'bert-uncased',
  distilbert: 'distilbert-cased',
  roberta: 'roberta',
  'xlm-roberta': 'xlm-roberta',
  albert: 'albert',
  electra: 'electra',
  'deberta-v3': 'deberta-v3',
};

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
  /**
   * Texts the tokenizer's vocabulary is learnt from (every family but BERT and ELECTRA, which ship
   * bert-base-uncased's): the Hub's real vocabularies cannot be fetched here.
   */
  texts?: readonly string[];
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
  /** The preset's shape, its vocabulary size raised to the tokenizer's. */
  shape: QaModelShape;
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
  const shape = writeTokenizer(preset, outDir, options.texts, (file, seconds) => {
    files.push({ file, bytes: statSync(join(outDir, file)).size, seconds });
    log(`${file}: ${formatBytes(files.at(-1)!.bytes)}`);
  });
  const config = qaConfigJson(preset, shape, seed);
  json('config.json', config);

  const writeGraph = (file: string, weights: WeightFormat) =>
    timed(file, (p) =>
      writeOnnxModel(p, buildQaGraph({ shape, seed, weights }), {
        irVersion: 8,
        opsetImports: QA_GRAPH_OPSETS,
        producerName: 'kgqa generate-model',
        producerVersion: '1',
        docString: `${config.architectures[0]}, preset ${preset}, RANDOM weights (seed ${seed}): answers are not meaningful.`,
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
    shape,
    seed,
    parameters: parameterCount(shape),
    files,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The family's tokenizer folder, and the preset's shape fitted to it: a vocabulary at least as large as the
 * tokenizer's ids, and the padding id the model numbers positions from checked against the tokenizer's.
 */
function writeTokenizer(preset: PresetName, dir: string, texts: readonly string[] | undefined, written: (file: string, seconds: number) => void): QaModelShape {
  const shape = PRESETS[preset];
  const family = TOKENIZER_OF[shape.family];
  if (!texts && !FIXED_VOCABULARY_FAMILIES.includes(family)) {
    throw new Error(`preset ${preset}: its ${family} tokenizer learns its vocabulary from texts, and none were given`);
  }
  const started = performance.now();
  const tokenizer = writeTokenizerFolder(family, dir, texts ?? []);
  const seconds = (performance.now() - started) / 1000;
  tokenizer.files.forEach((file, i) => written(file, i === 0 ? seconds : 0));
  if (tokenizer.padId !== shape.padTokenId) {
    throw new Error(`preset ${preset}: the ${family} tokenizer pads with id ${tokenizer.padId}, the model expects ${shape.padTokenId}`);
  }
  return { ...shape, vocabSize: Math.max(shape.vocabSize, tokenizer.vocabSize) };
}
