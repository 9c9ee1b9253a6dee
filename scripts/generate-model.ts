/**
 * Generates a BERT question-answering model directory with seeded random
 * weights (no pretrained weights can be downloaded here).
 *
 *   node dist/scripts/generate-model.js --preset tiny|distilbert-base|bert-base|bert-large \
 *     --out DIR [--seed N] [--quantized]
 */
import { parseArgs } from 'node:util';
import { PRESET_NAMES, isPresetName, parameterCount, PRESETS } from '../src/model-generator/presets.js';
import { formatBytes } from '../src/format-bytes.js';
import { DEFAULT_SEED, writeModelDir } from '../src/model-generator/write-model-dir.js';

const USAGE = `usage: generate-model --preset ${PRESET_NAMES.join('|')} --out DIR [--seed N] [--quantized]

Writes DIR/config.json, vocab.txt, tokenizer.json, tokenizer_config.json,
special_tokens_map.json and onnx/model.onnx (plus onnx/model_quantized.onnx with
--quantized). Weights are random (seed ${DEFAULT_SEED} unless --seed): answers are not meaningful.`;

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        preset: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        quantized: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return usageError((err as Error).message);
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.preset || !isPresetName(args.preset)) return usageError(`--preset must be one of ${PRESET_NAMES.join(', ')}`);
  if (!args.out) return usageError('--out DIR is required');
  let seed = DEFAULT_SEED;
  if (args.seed !== undefined) {
    seed = Number(args.seed);
    if (!/^\d+$/.test(args.seed) || seed > 0xffffffff) {
      return usageError(`--seed must be an integer in [0, 4294967295]: ${args.seed}`);
    }
  }

  const shape = PRESETS[args.preset];
  console.error(
    `generating ${args.preset} (hidden ${shape.hiddenSize}, ${shape.numHiddenLayers} layers, ` +
      `${(parameterCount(shape) / 1e6).toFixed(1)}M parameters), seed ${seed} -> ${args.out}`,
  );
  let result;
  try {
    result = writeModelDir({
      preset: args.preset,
      outDir: args.out,
      seed,
      quantized: args.quantized,
      log: (line) => console.error(`  ${line}`),
    });
  } catch (err) {
    console.error(`generate-model: ${(err as Error).message}`);
    return 1;
  }
  const total = result.files.reduce((n, f) => n + f.bytes, 0);
  console.error(`done: ${formatBytes(total)} in ${result.seconds.toFixed(1)} s`);
  return 0;
}

function usageError(message: string): number {
  console.error(`generate-model: ${message}\n\n${USAGE}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
