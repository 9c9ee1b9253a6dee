/** Model folders for the benchmarks: `--model DIR`, or `--preset NAME` generated once under /tmp. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { qaConfigJson } from '../../src/model-generator/hf-config.js';
import { presetNamed, PRESET_NAMES, PRESETS, type PresetName } from '../../src/model-generator/presets.js';
import { writeModelDir } from '../../src/model-generator/write-model-dir.js';
import { ONNX_FILES } from '../../src/pipeline/model-dir.js';
import { cord19Sentences } from '../../test/support/tokenizer-fixtures.js';

export const BENCH_MODELS_DIR = '/tmp/kgqa-models';

/**
 * The model folder to use; a preset is generated (seed 42, with int8) into /tmp/kgqa-models/<preset> if missing,
 * its tokenizer (where it learns one) learnt from the CORD-19 sample the benchmarks read.
 */
export function benchModelDir(options: { model?: string; preset?: string }, fallback: string): string {
  if (options.model) return options.model;
  const preset = presetNamed(options.preset ?? fallback);
  if (!preset) throw new Error(`--preset must be one of ${PRESET_NAMES.join(', ')}`);
  const dir = join(BENCH_MODELS_DIR, preset);
  if (!existsSync(join(dir, ONNX_FILES.int8)) || !isCurrent(dir, preset)) {
    console.error(`generating ${preset} into ${dir} ...`);
    writeModelDir({ preset, outDir: dir, seed: 42, quantized: true, texts: cord19Sentences() });
  }
  return dir;
}

/** Whether a folder left by an earlier run is this preset's architecture (distilbert-base was once BERT's, with token types). */
function isCurrent(dir: string, preset: PresetName): boolean {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const expected = qaConfigJson(preset, PRESETS[preset], 42);
  return config.model_type === expected.model_type && config.kgqa_preset === preset;
}
