/**
 * Generates a question-answering model directory of any supported family with seeded random weights (no
 * pretrained weights can be downloaded here).
 *
 *   node dist/scripts/generate-model.js --preset <family>-<size> --out DIR [--seed N] [--quantized] [--texts PATH]...
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { listInputFiles, readDocumentFile } from '../src/ingest/read-files.js';
import { splitDocument } from '../src/ingest/prepare-article.js';
import { PRESET_NAMES, presetNamed, parameterCount, PRESETS } from '../src/model-generator/presets.js';
import { formatBytes } from '../src/format-bytes.js';
import { DEFAULT_SEED, writeModelDir } from '../src/model-generator/write-model-dir.js';

// The repository's seed corpus, wherever the command runs from (this file is dist/scripts/generate-model.js).
const DEFAULT_TEXTS = fileURLToPath(new URL('../../seed/corpus', import.meta.url));

const USAGE = `usage: generate-model --preset PRESET --out DIR [--seed N] [--quantized] [--texts PATH]...

PRESET: ${PRESET_NAMES.join(', ')} (tiny = bert-tiny).
Writes DIR/config.json, the family's tokenizer files (tokenizer.json, tokenizer_config.json,
special_tokens_map.json, vocab.txt for WordPiece) and onnx/model.onnx (plus onnx/model_quantized.onnx
with --quantized). Tokenizers other than BERT's and ELECTRA's learn their vocabulary from the sentences of
--texts (files or folders kgqa ingest reads; default the seed corpus). Weights are random (seed
${DEFAULT_SEED} unless --seed): answers are not meaningful.`;

/** Every sentence of the documents under `paths`. */
async function sentencesOf(paths: string[]): Promise<string[]> {
  const sentences: string[] = [];
  for (const file of (await listInputFiles(paths)).files) {
    for (const result of await readDocumentFile(file)) {
      if ('document' in result) sentences.push(...splitDocument(result.document).sentences.map((s) => s.text));
    }
  }
  return sentences;
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        preset: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string' },
        quantized: { type: 'boolean', default: false },
        texts: { type: 'string', multiple: true },
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
  const preset = args.preset ? presetNamed(args.preset) : null;
  if (!preset) return usageError(`--preset must be one of ${PRESET_NAMES.join(', ')}`);
  if (!args.out) return usageError('--out DIR is required');
  let seed = DEFAULT_SEED;
  if (args.seed !== undefined) {
    seed = Number(args.seed);
    if (!/^\d+$/.test(args.seed) || seed > 0xffffffff) {
      return usageError(`--seed must be an integer in [0, 4294967295]: ${args.seed}`);
    }
  }

  const shape = PRESETS[preset];
  console.error(
    `generating ${preset} (${shape.family}, hidden ${shape.hiddenSize}, ${shape.numHiddenLayers} layers, ` +
      `${(parameterCount(shape) / 1e6).toFixed(1)}M parameters), seed ${seed} -> ${args.out}`,
  );
  let result;
  try {
    const texts = await sentencesOf(args.texts ?? [DEFAULT_TEXTS]);
    result = writeModelDir({ preset, outDir: args.out, seed, quantized: args.quantized, texts, log: (line) => console.error(`  ${line}`) });
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

process.exitCode = await main(process.argv.slice(2));
