import { join } from 'node:path';
import type { PresetName } from '../../src/model-generator/presets.js';
import { writeModelDir } from '../../src/model-generator/write-model-dir.js';
import { temporaryDir } from './cli.js';
import { cord19Sentences } from './tokenizer-fixtures.js';

/** A freshly generated tiny BERT QA model (random weights, bert-base-uncased's vocabulary), with its int8 variant. */
export function generateTinyModel(): string {
  return generateModel('bert-tiny');
}

/**
 * A freshly generated model of `preset` (random weights) with its int8 variant, in a folder named after the
 * preset; a tokenizer that learns its vocabulary learns it from the CORD-19 sample.
 */
export function generateModel(preset: PresetName, seed = 42): string {
  const dir = join(temporaryDir('kgqa-model-'), preset);
  writeModelDir({ preset, outDir: dir, seed, quantized: true, texts: cord19Sentences() });
  return dir;
}
