import { join } from 'node:path';
import { writeModelDir } from '../../src/model-generator/write-model-dir.js';
import { temporaryDir } from './cli.js';

/** A freshly generated tiny BERT QA model (random weights, real vocabulary), with its int8 variant. */
export function generateTinyModel(): string {
  const dir = join(temporaryDir('kgqa-model-'), 'tiny');
  writeModelDir({ preset: 'tiny', outDir: dir, seed: 42, quantized: true });
  return dir;
}
