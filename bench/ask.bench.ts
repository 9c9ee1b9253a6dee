/**
 * Uncached `ask` against transformers.js's question-answering pipeline reading the same 20 retrieved passages one
 * by one, with the same thread count, alternating configurations question by question. The questions: the
 * hand-written CORD-19 set (`--corpus cord19`, the sentence holding the answer is its evidence) or the COVID-QA dev
 * questions (`--corpus covid-qa`, the gold span by the COVID-QA README's rule).
 *
 *   node dist/bench/ask.bench.js [--preset tiny|distilbert-base|bert-base|bert-large | --model DIR]
 *     [--corpus cord19|covid-qa] [--threads 2] [--rounds 3] [--questions N]
 *     [--configs fp32x20,fp32x20/1,int8x20,int8x5,fp32x3,...] [--max-answer-tokens 512]
 *
 * A configuration "VARIANTxK" reads VARIANT (fp32|int8) weights and only the top K of retrieval (`kgqa serve
 * --variant VARIANT --candidates K`), in batches of similar length; "/1" reads them as one padded batch instead.
 * "fp32x20" is `ask` as shipped and the reference: its answers must be transformers.js's. For each: time per
 * question-set pass (median over rounds), speed-up over transformers.js (ratio of pass times within a round,
 * median over rounds), recall of the answering passage among the passages the model reads, and agreement with
 * "fp32x20" on the passages both read: top span per passage, and top answer per question.
 */
import { parseArgs } from 'node:util';
import { emptyTimings, type AnswerService, type PipelineTimings } from '../src/pipeline/answer-service.js';
import type { ModelVariant } from '../src/pipeline/model-dir.js';
import { rowLength } from '../src/pipeline/assemble.js';
import { planBatches } from '../src/pipeline/batch-plan.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { DEFAULT_RUN_COST_TOKENS, QaReader } from '../src/pipeline/reader.js';
import { createApp, type App } from '../src/server/app.js';
import { askApp, readsNothing } from '../test/support/ask.js';
import { ingestCord19Sample } from '../test/support/cord19-sample.js';
import { retrieveQuestionSet } from '../test/support/question-set.js';
import { holdsGoldSpan, loadCovidQa } from '../test/support/covid-qa.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { normalizeQuestion } from '../src/pipeline/question.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { PassageRecord } from '../src/domain.js';
import { decodesTo } from '../test/support/spans.js';
import { loadTransformersQa, type TransformersQaAnswer } from '../test/support/transformers-qa.js';
import { runAsk, type AskAnswer } from './support/ask-query.js';
import { benchModelDir } from './support/models.js';
import { loadReport, median, ms, pct, sum } from './support/stats.js';

const CANDIDATES = 20;

/** A question with its 20 retrieved passages and where among them the answer is (-1: not retrieved). */
interface BenchQuestion {
  question: string;
  normalized: string;
  candidates: PassageRecord[];
  evidenceRank: number;
}
const SCORE_TOLERANCE = 1e-4;

interface Config {
  name: string;
  app: App;
  answers: AnswerService;
  /** Wall time of one question-set pass, per round. */
  passMs: number[];
  timings: PipelineTimings;
  /** Passage key -> top span, per question (first round). */
  spans: Map<string, AskAnswer>[];
  /** Keys of the passages the model read, per question (first round). */
  read: string[][];
}

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    preset: { type: 'string' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    questions: { type: 'string' },
    corpus: { type: 'string', default: 'cord19' },
    configs: { type: 'string', default: 'fp32x20,fp32x20/1,int8x20,fp32x3,fp32x5,int8x3,int8x5,int8x7' },
    // transformers.js bounds no answer length: identical answers need no bound either (the server's default is 30).
    'max-answer-tokens': { type: 'string', default: '512' },
  },
});
const threads = Number(args.threads);
const rounds = Number(args.rounds);
const modelDir = benchModelDir(args, 'distilbert-base');

const maxAnswerTokens = Number(args['max-answer-tokens']);
const loadReader = (variant: ModelVariant, runCostTokens?: number) =>
  loadQaReader(modelDir, { variant, intraOpThreads: threads, maxAnswerTokens, runCostTokens });
const readers = new Map<string, QaReader>();
/** One reader per variant and batching, loaded when a configuration first needs it (bert-large is 1.3 GB). */
async function reader(variant: ModelVariant, oneBatch: boolean): Promise<QaReader> {
  const key = `${variant}${oneBatch ? '/1' : ''}`;
  // An infinite run cost never splits a read: every row padded to the longest, as before batching by length.
  if (!readers.has(key)) readers.set(key, await loadReader(variant, oneBatch ? Infinity : undefined));
  return readers.get(key)!;
}
const fp32Reader = await reader('fp32', false);
const baseline = await loadTransformersQa(modelDir, { variant: 'fp32', threads });
// Pre-tokenized at ingest, as `kgqa ingest --model` stores sentences: a read fetches tokens, it does not make them.
const { store, questions } =
  args.corpus === 'covid-qa' ? await covidQaQuestions() : await cord19Questions();

async function cord19Questions(): Promise<{ store: SqliteStore; questions: BenchQuestion[] }> {
  const store = await ingestCord19Sample(fp32Reader.model.path);
  return { store, questions: (await retrieveQuestionSet(createApp({ store }), CANDIDATES)).slice(0, args.questions ? Number(args.questions) : undefined) };
}

/** COVID-QA dev questions, spread over the set (every n-th) when fewer are asked for. */
async function covidQaQuestions(): Promise<{ store: SqliteStore; questions: BenchQuestion[] }> {
  const covidQa = await loadCovidQa();
  const store = await SqliteStore.open();
  await ingestDocuments(store, covidQa.documents, { modelDir: fp32Reader.model.path });
  const wanted = args.questions ? Number(args.questions) : covidQa.questions.length;
  const step = Math.max(1, Math.floor(covidQa.questions.length / wanted));
  const app = createApp({ store });
  const questions: BenchQuestion[] = [];
  for (const q of covidQa.questions.filter((_, i) => i % step === 0).slice(0, wanted)) {
    const { candidates } = await askApp(app, q.question, { candidates: CANDIDATES, answers: readsNothing });
    const evidenceRank = candidates.findIndex((p) => holdsGoldSpan(q, { articleId: p.articleId, start: p.sentences[0].start, end: p.sentences[p.sentences.length - 1].end }));
    questions.push({ question: q.question, normalized: normalizeQuestion(q.question), candidates, evidenceRank });
  }
  return { store, questions };
}

async function config(spec: string): Promise<Config> {
  const match = /^(fp32|int8)x(\d+)(\/1)?$/.exec(spec);
  if (!match) throw new Error(`--configs: "${spec}" is not VARIANTxK or VARIANTxK/1 (e.g. int8x5)`);
  const app = createApp({ store, reader: await reader(match[1] as ModelVariant, !!match[3]), candidates: Number(match[2]) });
  return {
    name: spec,
    app,
    answers: app.answers!,
    passMs: [],
    timings: emptyTimings(),
    spans: [],
    read: [],
  };
}

const shipped = await config(`fp32x${CANDIDATES}`);
const configs = [shipped];
for (const spec of args.configs!.split(',')) if (spec !== shipped.name) configs.push(await config(spec));

/** Uncached: answer cache and retrieval memo are emptied first, as for a new question; timings kept for the breakdown. */
async function timeAsk(c: Config, q: BenchQuestion, round: number, index: number): Promise<number> {
  await c.answers.cache.clear();
  c.app.services.retrievals.clear();
  const before = { ...c.answers.timings };
  const started = performance.now();
  const result = await runAsk(c.app.services, q.question);
  const elapsed = performance.now() - started;
  for (const key of Object.keys(before) as (keyof PipelineTimings)[]) c.timings[key] += c.answers.timings[key] - before[key];
  if (round === 0) {
    c.spans[index] = new Map(result.answers.map((a) => [a.passage.key, a]));
    c.read[index] = result.candidates.map((s) => s.key);
  }
  return elapsed;
}

const baselineAnswers: TransformersQaAnswer[][] = [];
async function timeBaseline(q: BenchQuestion, index: number): Promise<number> {
  const started = performance.now();
  const answers: TransformersQaAnswer[] = [];
  for (const passage of q.candidates) answers.push(await baseline.answer(q.normalized, passage.text));
  const elapsed = performance.now() - started;
  if (index >= 0) baselineAnswers[index] ??= answers;
  return elapsed;
}

async function timeRetrieval(q: BenchQuestion): Promise<number> {
  shipped.app.services.retrievals.clear();
  const started = performance.now();
  await askApp(shipped.app, q.question, { answers: readsNothing });
  return performance.now() - started;
}

console.log(`model ${modelDir} (${fp32Reader.model.description})`);
console.log(`${questions.length} questions, ${sum(questions.map((q) => q.candidates.length))} candidates, ${threads} threads, ${rounds} rounds, answers up to ${maxAnswerTokens} tokens`);
console.log(`before: ${loadReport()}`);
console.log(tokenAccounting());

/** Tokens a pass over the 20 candidate passages computes: real ones, padded to one batch, and in batches by length. */
function tokenAccounting(): string {
  const { pairLayout, maxSequenceLength } = fp32Reader.tokenizer;
  const options = { layout: pairLayout, maxSequenceLength, maxQuestionTokens: 64 };
  let real = 0;
  let oneBatch = 0;
  let planned = 0;
  for (const q of questions) {
    const questionLength = fp32Reader.tokenizer.tokenize(q.normalized).ids.length;
    const lengths = q.candidates.map((s) => rowLength(questionLength, fp32Reader.tokenizer.tokenize(s.text).ids.length, options));
    if (lengths.length === 0) continue;
    real += sum(lengths);
    oneBatch += lengths.length * Math.max(...lengths);
    for (const batch of planBatches(lengths, DEFAULT_RUN_COST_TOKENS)) planned += batch.length * Math.max(...batch.map((i) => lengths[i]));
  }
  return `tokens per pass over all 20 candidates: ${real} real; ${oneBatch} (${(oneBatch / real).toFixed(2)}×) as one padded batch per question; ${planned} (${(planned / real).toFixed(2)}×) in batches by length`;
}

// Warm-up: first runs allocate arenas and tune kernels.
await timeBaseline(questions[0], -1);
for (const c of configs) await runAsk(c.app.services, questions[0].question);

const baselinePassMs: number[] = [];
const retrievalMs: number[] = [];
for (let round = 0; round < rounds; round++) {
  const pass = new Map<string, number>([['baseline', 0], ...configs.map((c) => [c.name, 0] as [string, number])]);
  for (const [index, q] of questions.entries()) {
    // Rotate the order each question so no configuration always runs right after another.
    const runs: [string, () => Promise<number>][] = [
      ['baseline', () => timeBaseline(q, index)],
      ...configs.map((c) => [c.name, () => timeAsk(c, q, round, index)] as [string, () => Promise<number>]),
    ];
    const shift = (index + round) % runs.length;
    for (const [name, run] of [...runs.slice(shift), ...runs.slice(0, shift)]) pass.set(name, pass.get(name)! + (await run()));
    retrievalMs.push(await timeRetrieval(q));
    process.stderr.write(`\rround ${round + 1}: question ${index + 1}/${questions.length}`);
  }
  process.stderr.write('\n');
  baselinePassMs.push(pass.get('baseline')!);
  for (const c of configs) c.passMs.push(pass.get(c.name)!);
  console.log(`round ${round + 1}: transformers.js ${ms(pass.get('baseline')!)}, ${configs.map((c) => `${c.name} ${ms(c.passMs[round])}`).join(', ')}; ${loadReport()}`);
}

// ---- Correctness of the shipped configuration: every read passage's top span is transformers.js's. ----
let identical = 0;
let compared = 0;
const differences: string[] = [];
for (const [index, q] of questions.entries()) {
  for (const [i, passage] of q.candidates.entries()) {
    compared++;
    const ours = shipped.spans[index].get(passage.key);
    const theirs = baselineAnswers[index][i];
    const tokens = fp32Reader.tokenizer.tokenize(passage.text);
    if (ours && Math.abs(ours.score - theirs.score) <= SCORE_TOLERANCE && decodesTo(tokens, ours, theirs.answer, baseline.decode)) identical++;
    else if (differences.length < 5) differences.push(`  differs: "${q.question}" / ${passage.key}: ours ${JSON.stringify(ours && passage.text.slice(ours.start, ours.end))} ${ours?.score}, theirs ${JSON.stringify(theirs.answer)} ${theirs.score}`);
  }
}

// ---- Report ----
const baselineMedian = median(baselinePassMs);
console.log(`\nafter: ${loadReport()}`);
console.log(`transformers.js fp32, 20 passages one by one: ${ms(baselineMedian)} per pass, ${ms(baselineMedian / questions.length)} per question`);
console.log(`fp32x20 vs transformers.js: ${identical}/${compared} top spans identical (same tokens, score within ${SCORE_TOLERANCE})`);
differences.forEach((line) => console.log(line));

const retrieved = questions.filter((q) => q.evidenceRank >= 0).length;
console.log(`\nthe answer is among the 20 retrieved passages for ${retrieved}/${questions.length} = ${pct(retrieved, questions.length)} of questions; "kept" is the share of those the configuration reads`);
console.log('configuration | per question (median pass / questions) | speed-up vs transformers.js | recall among read | kept | top span per passage = fp32x20 | top answer per question = fp32x20');
const notes: string[] = [];
for (const c of configs) {
  const speedups = c.passMs.map((passMs, round) => baselinePassMs[round] / passMs);
  const hits = questions.filter((q, index) => q.evidenceRank >= 0 && c.read[index].includes(q.candidates[q.evidenceRank].key)).length;
  const { agree, both, topAgree, topBoth, agreedScores, disagreedScores } = agreement(c);
  if (disagreedScores.length > 0) {
    notes.push(
      `${c.name}: fp32x20's top-span score is ${median(disagreedScores).toFixed(4)} (median) on the ${disagreedScores.length} sentences where they differ, ` +
        `${median(agreedScores).toFixed(4)} where they agree`,
    );
  }
  console.log(
    `${c.name} | ${ms(median(c.passMs) / questions.length)} | ${median(speedups).toFixed(2)}× (rounds: ${speedups.map((s) => s.toFixed(2)).join(', ')})` +
      ` | ${hits}/${questions.length} = ${pct(hits, questions.length)} | ${pct(hits, retrieved)} | ${agree}/${both} = ${pct(agree, both)} | ${topAgree}/${topBoth} = ${pct(topAgree, topBoth)}`,
  );
}

/** Same span as fp32x20 on each passage both read, and the same best answer among the passages `c` read. */
function agreement(c: Config) {
  let agree = 0;
  let both = 0;
  let topAgree = 0;
  let topBoth = 0;
  // fp32x20's top-span score where `c` agrees and where it does not: are the disagreements near-ties?
  const agreedScores: number[] = [];
  const disagreedScores: number[] = [];
  const same = (a: AskAnswer | undefined, b: AskAnswer | undefined) => !!a && !!b && a.passage.key === b.passage.key && a.start === b.start && a.end === b.end;
  for (const [index, keys] of c.read.entries()) {
    for (const key of keys) {
      const reference = shipped.spans[index].get(key);
      const mine = c.spans[index].get(key);
      if (!reference || !mine) continue;
      both++;
      if (same(reference, mine)) {
        agree++;
        agreedScores.push(reference.score);
      } else disagreedScores.push(reference.score);
    }
    const best = (answers: (AskAnswer | undefined)[]) =>
      answers.reduce<AskAnswer | undefined>((top, a) => (a && (!top || a.score > top.score) ? a : top), undefined);
    const reference = best(keys.map((key) => shipped.spans[index].get(key)));
    if (!reference) continue;
    topBoth++;
    if (same(reference, best(keys.map((key) => c.spans[index].get(key))))) topAgree++;
  }
  return { agree, both, topAgree, topBoth, agreedScores, disagreedScores };
}

notes.forEach((note) => console.log(note));

const t = shipped.timings;
const asks = rounds * questions.length;
const total = sum(shipped.passMs);
const stages = t.cacheMs + t.fetchMs + t.tokenizeMs + t.assembleMs + t.selectMs;
console.log(`\nwhere fp32x20's time goes (${asks} asks, ${ms(total / asks)} per ask):`);
console.log(`  model (onnxruntime runs) ${ms(t.inferMs / asks)} ${pct(t.inferMs, total)}; everything else ${ms((total - t.inferMs) / asks)} ${pct(total - t.inferMs, total)}:`);
for (const key of ['cacheMs', 'fetchMs', 'tokenizeMs', 'assembleMs', 'selectMs'] as const) console.log(`  ${key.replace('Ms', '')} ${ms(t[key] / asks)} ${pct(t[key], total)}`);
const rest = total - t.inferMs - stages;
console.log(`  retrieval, GraphQL execution and DataLoader batching ${ms(rest / asks)} ${pct(rest, total)}, of which retrieval (timed apart) ${ms(sum(retrievalMs) / retrievalMs.length)}`);
console.log(`  ${(t.rowsRead / t.reads).toFixed(1)} rows per read, ${t.reads} reads`);
for (const c of configs.slice(1)) {
  const cTotal = sum(c.passMs);
  console.log(`${c.name}: model ${pct(c.timings.inferMs, cTotal)}, everything else ${pct(cTotal - c.timings.inferMs, cTotal)}`);
}

await Promise.all([...readers.values()].map((r) => r.close()));
await baseline.dispose();
