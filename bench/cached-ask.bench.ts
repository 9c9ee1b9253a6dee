/**
 * Latency of a cached `ask` over HTTP against the cheapest query the same server answers, `{ __typename }`:
 * an in-process server on the CORD-19 sample, the answer cache warmed, then the queries alternated one request
 * at a time from a sequential keep-alive client (autocannon is not installed), p50 and p99 of each. A third
 * series forgets the memoized retrieval before each request: cached ask as it was before retrieval was memoized.
 *
 *   node dist/bench/cached-ask.bench.js [--preset tiny | --model DIR] [--requests 3000] [--question TEXT]
 */
import { parseArgs } from 'node:util';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { createApp } from '../src/server/app.js';
import { ingestCord19Sample } from '../test/support/cord19-sample.js';
import { loadQuestionSet } from '../test/support/question-set.js';
import { benchModelDir } from './support/models.js';
import { loadReport, ms, quantile } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    preset: { type: 'string' },
    requests: { type: 'string', default: '3000' },
    question: { type: 'string' },
  },
});
const requests = Number(args.requests);
// The model only runs while warming; a cache hit costs the same whatever its size.
const reader = await loadQaReader(benchModelDir(args, 'tiny'), { intraOpThreads: 1 });
const store = await ingestCord19Sample(reader.model.path);
const app = createApp({ store, reader });
const answers = app.answers!;
const server = await app.listen({ port: 0 });
const question = args.question ?? loadQuestionSet()[3].question;

// What a client asks for: the answers with their sentence and article.
const ASK = JSON.stringify({
  query: `query($q: String!) { ask(question: $q, limit: 5) { answers { text score cached passage { key text article { title } } } } }`,
  variables: { q: question },
});
const TYPENAME = JSON.stringify({ query: '{ __typename }' });

async function post(body: string): Promise<{ ms: number; json: any }> {
  const started = performance.now();
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = await response.json();
  return { ms: performance.now() - started, json };
}

const first = await post(ASK);
if (first.json.errors) throw new Error(JSON.stringify(first.json.errors));
const warmed = await post(ASK);
const answered = warmed.json.data.ask.answers as { cached: boolean }[];
if (answered.length === 0 || !answered.every((a) => a.cached)) throw new Error('the answers are not served from the cache after warming');
const readsAfterWarming = answers.timings.reads;

// Warm-up of the HTTP path and the JIT, then one request of each kind in turn, so load hits both alike.
for (let i = 0; i < 200; i++) await post(i % 2 ? ASK : TYPENAME);
console.log(`question "${question}", ${requests} requests of each kind; before: ${loadReport()}`);
/** `count` requests of each body, alternated; `before` runs ahead of every request of the first body. */
async function alternate(count: number, first: string, second: string, before = () => {}): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < count; i++) {
    before();
    times[0].push((await post(first)).ms);
    times[1].push((await post(second)).ms);
  }
  return times;
}
const [cachedAsk, typename] = await alternate(requests, ASK, TYPENAME);
// Apart, so the garbage of its retrievals does not land on the requests measured above.
const [unmemoized, typenameApart] = await alternate(Math.ceil(requests / 3), ASK, TYPENAME, () => app.services.retrievals.clear());
if (answers.timings.reads !== readsAfterWarming) throw new Error('the model ran while measuring: the cache missed');

console.log(`after: ${loadReport()}`);
const row = (name: string, values: number[], baseline: number[]) =>
  console.log(
    `${name}: p50 ${ms(quantile(values, 0.5))}, p99 ${ms(quantile(values, 0.99))}; ` +
      `ratio to { __typename } ${(quantile(values, 0.5) / quantile(baseline, 0.5)).toFixed(2)}× at p50, ` +
      `${(quantile(values, 0.99) / quantile(baseline, 0.99)).toFixed(2)}× at p99`,
  );
row('{ __typename }', typename, typename);
row('cached ask', cachedAsk, typename);
row(`cached ask, retrieval not memoized (${unmemoized.length} requests, against { __typename } alternated with them)`, unmemoized, typenameApart);
console.log(`first (uncached) ask ${ms(first.ms)}; model runs while measuring: 0`);

await server.close();
await reader.close();
