/**
 * Every QA model family at its base shape: one uncached read of a question's 20 retrieved candidate sentences by
 * kgqa's reader (QaReader as `ask` reads: the question tokenized, the sentences' tokens as stored at ingest, rows in
 * batches of similar length) against transformers.js's question-answering pipeline reading the same 20 sentences one
 * by one, with the same threads, fp32 and int8. Rounds interleave ours and theirs, rotating the order, and the speed-up
 * is the median of per-round ratios, so a busy neighbour on the 2 shared cores weighs on both sides alike.
 *
 *   npm run build && node dist/bench/families.bench.js [--families bert,distilbert,…] [--threads 2] [--rounds 3] [--questions 2]
 *
 * Models are generated once into /tmp/kgqa-models/<family>-base (random weights; tokenizers other than BERT's and
 * ELECTRA's learnt from the CORD-19 sample).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL_FAMILIES, parameterCount, PRESETS, presetNamed, type ModelFamily } from '../src/model-generator/presets.js';
import { rowLength } from '../src/pipeline/assemble.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { ONNX_FILES, type ModelVariant } from '../src/pipeline/model-dir.js';
import type { QaReader } from '../src/pipeline/reader.js';
import { createApp } from '../src/server/app.js';
import { ingestCord19Sample } from '../test/support/cord19-sample.js';
import { retrieveQuestionSet, type RetrievedQuestion } from '../test/support/question-set.js';
import { loadTransformersQa, type TransformersQa } from '../test/support/transformers-qa.js';
import { benchModelDir } from './support/models.js';
import { loadReport, median, ms, sum } from './support/stats.js';

const CANDIDATES = 20;
const VARIANTS: ModelVariant[] = ['fp32', 'int8'];

const { values: args } = parseArgs({
  options: {
    families: { type: 'string', default: MODEL_FAMILIES.join(',') },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    questions: { type: 'string', default: '2' },
  },
});
const threads = Number(args.threads);
const rounds = Number(args.rounds);
const families = args.families!.split(',') as ModelFamily[];
for (const family of families) if (!presetNamed(`${family}-base`)) throw new Error(`--families: no ${family}-base preset (${MODEL_FAMILIES.join(', ')})`);

// Retrieval does not depend on the model: the same 20 candidates for every family.
const questions: RetrievedQuestion[] = (await retrieveQuestionSet(createApp({ store: await ingestCord19Sample() }), CANDIDATES))
  .filter((q) => q.candidates.length === CANDIDATES)
  .slice(0, Number(args.questions));
console.log(`${questions.length} questions × ${CANDIDATES} candidates, ${threads} threads, ${rounds} rounds; ${loadReport()}`);

interface Side {
  read: (q: RetrievedQuestion) => Promise<unknown>;
  /** Wall time of all questions, per round. */
  passMs: number[];
}

const summary: string[] = [];
for (const family of families) {
  const preset = presetNamed(`${family}-base`)!;
  const dir = benchModelDir({ preset }, preset);
  const readers = new Map<ModelVariant, QaReader>();
  const references = new Map<ModelVariant, TransformersQa>();
  for (const variant of VARIANTS) {
    readers.set(variant, await loadQaReader(dir, { variant, intraOpThreads: threads }));
    references.set(variant, await loadTransformersQa(dir, { variant, threads }));
  }
  const tokenizer = readers.get('fp32')!.tokenizer;
  // Stored at ingest in the server, so not timed: what a read fetches.
  const stored = new Map(questions.flatMap((q) => q.candidates.map((s) => [s.key, tokenizer.tokenize(s.text)] as const)));
  const sides = new Map<string, Side>();
  for (const variant of VARIANTS) {
    const reader = readers.get(variant)!;
    const reference = references.get(variant)!;
    sides.set(`ours ${variant}`, {
      read: (q) => {
        const question = reader.tokenizer.tokenize(q.normalized);
        return reader.read(q.candidates.map((s) => ({ question, sentence: stored.get(s.key)! })));
      },
      passMs: [],
    });
    sides.set(`transformers.js ${variant}`, {
      read: async (q) => {
        for (const s of q.candidates) await reference.answer(q.normalized, s.text);
      },
      passMs: [],
    });
  }
  const entries = [...sides.entries()];
  for (const [, side] of entries) await side.read(questions[0]); // warm-up: arenas, kernels

  for (let round = 0; round < rounds; round++) {
    for (const side of sides.values()) side.passMs.push(0);
    for (const [index, q] of questions.entries()) {
      const shift = (index + round) % entries.length;
      for (const [, side] of [...entries.slice(shift), ...entries.slice(0, shift)]) {
        const started = performance.now();
        await side.read(q);
        side.passMs[round] += performance.now() - started;
      }
    }
    process.stderr.write(`\r${family}: round ${round + 1}/${rounds}`);
  }
  process.stderr.write('\n');

  const options = { layout: tokenizer.pairLayout, maxSequenceLength: tokenizer.maxSequenceLength, maxQuestionTokens: 64 };
  const tokens = sum(questions.map((q) => sum(q.candidates.map((s) => rowLength(tokenizer.tokenize(q.normalized).ids.length, stored.get(s.key)!.ids.length, options))))) / questions.length;
  // The vocabulary is the preset's raised to the tokenizer's, as written to config.json.
  const shape = { ...PRESETS[preset], vocabSize: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).vocab_size as number };
  const size = (variant: ModelVariant) => statSync(join(dir, ONNX_FILES[variant])).size / 1e6;
  console.log(
    `\n${preset}: ${(parameterCount(shape) / 1e6).toFixed(0)}M parameters, ` +
      `model.onnx ${size('fp32').toFixed(0)} MB, model_quantized.onnx ${size('int8').toFixed(0)} MB; ${tokens.toFixed(0)} tokens per read of ${CANDIDATES} sentences`,
  );
  for (const variant of VARIANTS) {
    const ours = sides.get(`ours ${variant}`)!;
    const theirs = sides.get(`transformers.js ${variant}`)!;
    const perRead = (side: Side) => median(side.passMs) / questions.length;
    const ratios = ours.passMs.map((passMs, round) => theirs.passMs[round] / passMs);
    const line = `${preset} ${variant} | ${ms(perRead(ours))} | ${ms(perRead(theirs))} | ${median(ratios).toFixed(2)}× (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')})`;
    console.log(`  ${line}`);
    summary.push(line);
  }
  await Promise.all([...readers.values()].map((r) => r.close()));
  await Promise.all([...references.values()].map((r) => r.dispose()));
}

console.log(`\nafter: ${loadReport()}`);
console.log('\npreset variant | ours per read (median) | transformers.js per read (median) | speed-up (median of per-round ratios)');
summary.forEach((line) => console.log(line));
