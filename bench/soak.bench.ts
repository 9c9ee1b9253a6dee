/**
 * Soak: a fixed request rate of mixed `search`, `ask` and browsing (`concept` edge pages, `edge` sentences,
 * `article` sentence pages) against a real `kgqa serve` (memory store, CORD-19 sample ingested without a
 * vocabulary, tiny generated model), after a warm-up at the same rate.
 *
 *   node dist/bench/soak.bench.js [--seconds 60] [--rate 50] [--warmup 10] [--connections 10]
 *     [--preset tiny | --model DIR] [--seed 7] [--store memory | cluster] [--node-arg=FLAG …]
 *     [--url http://host:port/graphql]
 *
 * `--store cluster` starts a 3-master/3-replica Redis Cluster on free loopback ports and serves from it;
 * `--node-arg` passes a flag to the server's node (e.g. `--node-arg=--no-optimize-for-size`).
 *
 * `--url` soaks a server that is already running (it must serve /metrics) instead of starting one.
 *
 * Reports latency p50 / p99 / max, connection errors and timeouts (goal 0), non-2xx replies (goal 0), GraphQL
 * errors in 2xx replies (goal 0), the rate achieved, and the server's RSS from its own /metrics
 * (`process_resident_memory_bytes`) after the warm-up and at the end (goal: growth under 10%).
 * A fixed rate, not a closed loop: a server that slows down queues requests instead of receiving fewer.
 */
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { encodeCursor } from '../src/resolvers/arguments.js';
import { startRedisCluster } from '../test/support/redis-cluster.js';
import { loadQuestionSet } from '../test/support/question-set.js';
import { benchModelDir } from './support/models.js';
import { startServe, stopServe } from './support/serve.js';
import { loadReport } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    model: { type: 'string' },
    preset: { type: 'string' },
    seed: { type: 'string', default: '7' },
    url: { type: 'string' },
    store: { type: 'string', default: 'memory' },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
if (!['memory', 'cluster'].includes(args.store)) throw new Error(`--store must be memory or cluster, not ${args.store}`);
const seconds = Number(args.seconds);
const rate = Number(args.rate);
const warmupSeconds = Number(args.warmup);
const connections = Number(args.connections);
const RSS_GROWTH_GOAL = 0.1;
const SAMPLE_MS = 2_000;

/** A small deterministic generator (mulberry32), so every run sends the same requests. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Server {
  /** Null when soaking a server started elsewhere (`--url`). */
  child: ChildProcess | null;
  url: URL;
}

async function graphql(url: URL, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors) throw new Error(`${query.slice(0, 60)}…: ${body.errors[0].message}`);
  return body.data;
}

interface Memory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  /** Mark-compact collections so far: the heap grows between them, so RSS is a sawtooth, not a line. */
  majorGcs: number;
  /** Entries of the server's in-process caches: bounded, but they fill during a soak of fresh questions. */
  answerCacheEntries: number;
  retrievalEntries: number;
}

/** The server's own view of its memory, from prom-client's default metrics. */
async function serverMemory(url: URL): Promise<Memory> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const metric = (name: string, fallback?: number) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    if (!match && fallback === undefined) throw new Error(`no ${name} in /metrics`);
    return match ? Number(match[1]) : fallback!;
  };
  return {
    rss: metric('process_resident_memory_bytes'),
    heapTotal: metric('nodejs_heap_size_total_bytes'),
    heapUsed: metric('nodejs_heap_size_used_bytes'),
    majorGcs: metric('nodejs_gc_duration_seconds_count\\{kind="major"\\}', 0),
    answerCacheEntries: metric('kgqa_cache_entries\\{cache="answers"\\}', 0),
    retrievalEntries: metric('kgqa_cache_entries\\{cache="retrieval"\\}', 0),
  };
}

interface Targets {
  questions: string[];
  concepts: { id: string; name: string }[];
  edges: { source: string; target: string }[];
  articles: string[];
}

/** What the traffic browses: the concepts, edges and articles that searching for the question set finds. */
async function discoverTargets(url: URL): Promise<Targets> {
  const questions = loadQuestionSet().map((q) => q.question);
  const concepts = new Map<string, string>();
  const edges = new Map<string, { source: string; target: string }>();
  const articles = new Set<string>();
  for (const text of questions) {
    const { search } = await graphql(url, 'query($t: String!) { search(text: $t, limit: 20) { links { source { id name } target { id name } sentences(first: 3) { article { id } } } } }', { t: text });
    for (const link of search.links) {
      concepts.set(link.source.id, link.source.name);
      concepts.set(link.target.id, link.target.name);
      edges.set(`${link.source.id}\u0000${link.target.id}`, { source: link.source.id, target: link.target.id });
      for (const sentence of link.sentences) articles.add(sentence.article.id);
    }
  }
  return { questions, concepts: [...concepts].map(([id, name]) => ({ id, name })), edges: [...edges.values()], articles: [...articles] };
}

const SEARCH = 'query Search($t: String!) { search(text: $t, limit: 10) { concepts { id name rank } links { rank weight source { id name } target { id name } sentences(first: 3) { key text article { id title year } } } years } }';
const ASK = 'query Ask($q: String!) { ask(question: $q, limit: 5) { answers { text score cached passage { key text article { id title } } } candidates { key } } }';
const CONCEPT = 'query Concept($id: ID!, $after: String) { concept(id: $id) { id name rank origin edges(first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { rank weight target { id name } } } } } }';
const EDGE = 'query Edge($s: ID!, $t: ID!) { edge(source: $s, target: $t) { rank weight years source { name } target { name } sentences(first: 5) { key text mentions { start end concept { id } } article { id title } } } }';
const ARTICLE = 'query Article($id: ID!, $after: String) { article(id: $id) { id title year sentenceCount sentences(first: 20, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { key position text concepts { id name } } } } } }';

/**
 * The traffic, drawn request by request so its make-up never drifts: 30% search, 20% ask (half from the factoid set,
 * which the answer cache soon holds; half fresh questions made of two concept names, which the model must read),
 * 50% browsing: concept edge pages, edge sentences, article sentence pages.
 */
function requestSource(targets: Targets, next: () => number): () => { kind: string; body: string } {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  // Page 1 half the time, else page 2, 3 or 4 of 10 items.
  const after = () => (next() < 0.5 ? null : encodeCursor(Math.floor(next() * 3) * 10 + 9));
  const twoConcepts = () => [pick(targets.concepts).name, pick(targets.concepts).name];
  const kinds: [number, string, () => [string, Record<string, unknown>]][] = [
    [0.3, 'search', () => [SEARCH, { t: next() < 0.5 ? pick(targets.questions) : twoConcepts().join(' ') }]],
    [0.2, 'ask', () => [ASK, { q: next() < 0.5 ? pick(targets.questions) : `What is the role of ${twoConcepts().join(' in ')}?` }]],
    [0.2, 'concept', () => [CONCEPT, { id: pick(targets.concepts).id, after: after() }]],
    [0.15, 'edge', () => [EDGE, (({ source, target }) => ({ s: source, t: target }))(pick(targets.edges))]],
    [0.15, 'article', () => [ARTICLE, { id: pick(targets.articles), after: after() }]],
  ];
  return () => {
    let roll = next();
    const [, kind, make] = kinds.find(([share]) => (roll -= share) < 0) ?? kinds[kinds.length - 1];
    const [query, variables] = make();
    return { kind, body: JSON.stringify({ query, variables }) };
  };
}

interface Phase {
  result: autocannon.Result;
  graphqlErrors: number;
  firstGraphqlError?: string;
}

function run(url: URL, durationSeconds: number, nextRequest: () => { kind: string; body: string }, kinds: Map<string, number>): Promise<Phase> {
  let graphqlErrors = 0;
  let firstGraphqlError: string | undefined;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: url.href,
        connections,
        overallRate: rate,
        duration: durationSeconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              const { kind, body } = nextRequest();
              kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
              return { ...request, body };
            },
            onResponse: (status, body) => {
              // A 200 can still carry errors: GraphQL reports resolver failures in the body.
              if (status >= 300) return;
              let message: string | undefined;
              try {
                message = (JSON.parse(body) as { errors?: { message: string }[] }).errors?.[0].message;
              } catch {
                message = `not JSON: ${body.slice(0, 100)}`;
              }
              if (message !== undefined) {
                graphqlErrors++;
                firstGraphqlError ??= message;
              }
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, graphqlErrors, firstGraphqlError })),
    );
  });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const modelDir = args.url ? null : benchModelDir(args, 'tiny');
const nodeArgs = args['node-arg'];
const command =
  `node dist/bench/soak.bench.js --seconds ${seconds} --rate ${rate} --warmup ${warmupSeconds} --connections ${connections} --store ${args.store}` +
  nodeArgs.map((flag) => ` --node-arg=${flag}`).join('');
console.log(`${command}\n${modelDir ? `model ${modelDir}` : `server ${args.url}`}; ${loadReport()} at start`);
// The cluster is 3 masters + 3 replicas on this machine, sharing its cores with the server and the client.
const cluster = modelDir && args.store === 'cluster' ? await startRedisCluster() : null;
const server: Server = modelDir ? await startServe({ modelDir, store: cluster?.url, nodeArgs }) : { child: null, url: new URL(args.url!) };
try {
  const targets = await discoverTargets(server.url);
  const nextRequest = requestSource(targets, random(Number(args.seed)));
  console.log(`targets: ${targets.concepts.length} concepts, ${targets.edges.length} edges, ${targets.articles.length} articles`);
  const warmup = await run(server.url, warmupSeconds, nextRequest, new Map());
  const start = await serverMemory(server.url);
  const samples: Memory[] = [start];
  const sampler = setInterval(() => void serverMemory(server.url).then((memory) => samples.push(memory), () => undefined), SAMPLE_MS);
  const loadBefore = loadReport();
  const kinds = new Map<string, number>();
  const soak = await run(server.url, seconds, nextRequest, kinds);
  clearInterval(sampler);
  const end = await serverMemory(server.url);
  samples.push(end);

  // A leak raises what is left after each mark-compact; the high-water mark in between is only uncollected garbage.
  // (RSS lags: V8 hands freed pages back later, so the heap in use is the better floor.)
  const afterMajorGc = samples.filter((m, i) => i > 0 && m.majorGcs > samples[i - 1].majorGcs).map((m) => m.heapUsed);
  const { result } = soak;
  const growth = (end.rss - start.rss) / start.rss;
  const goals = {
    'no connection errors or timeouts': result.errors === 0 && result.timeouts === 0,
    'no non-2xx replies': result.non2xx === 0,
    'no GraphQL errors': soak.graphqlErrors === 0,
    [`RSS growth under ${RSS_GROWTH_GOAL * 100}%`]: growth < RSS_GROWTH_GOAL,
  };
  console.log(
    [
      `warm-up: ${warmupSeconds} s, ${warmup.result.requests.total} requests, p99 ${warmup.result.latency.p99} ms, errors ${warmup.result.errors}, non-2xx ${warmup.result.non2xx}`,
      `soak: ${seconds} s at ${rate} req/s target over ${connections} connections: ${result.requests.total} requests (${result.requests.average.toFixed(1)} req/s achieved)`,
      `mix: ${[...kinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`).join(', ')}`,
      `latency: p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
      `errors ${result.errors} (timeouts ${result.timeouts}), non-2xx ${result.non2xx}, GraphQL errors ${soak.graphqlErrors}${soak.firstGraphqlError ? ` (first: ${soak.firstGraphqlError})` : ''}`,
      `RSS: ${mb(start.rss)} after warm-up, ${mb(end.rss)} at the end (${growth >= 0 ? '+' : ''}${(100 * growth).toFixed(1)}%), max ${mb(Math.max(...samples.map((m) => m.rss)))}`,
      `JS heap used ${mb(start.heapUsed)} -> ${mb(end.heapUsed)} (heap total ${mb(start.heapTotal)} -> ${mb(end.heapTotal)}); RSS minus heap total ${mb(start.rss - start.heapTotal)} -> ${mb(end.rss - end.heapTotal)}`,
      `cache entries after warm-up -> end: answers ${start.answerCacheEntries} -> ${end.answerCacheEntries}, retrievals ${start.retrievalEntries} -> ${end.retrievalEntries}`,
      `major GCs during the soak: ${end.majorGcs - start.majorGcs}; JS heap used within ${SAMPLE_MS / 1000} s after each: ${afterMajorGc.map(mb).join(', ') || 'none'}`,
      `RSS every ${SAMPLE_MS / 1000} s (MB): ${samples.map((m) => (m.rss / 1024 / 1024).toFixed(0)).join(' ')}`,
      `machine: ${loadBefore} before the soak, ${loadReport()} after`,
      ...Object.entries(goals).map(([goal, met]) => `${met ? 'PASS' : 'FAIL'} ${goal}`),
    ].join('\n'),
  );
  if (Object.values(goals).some((met) => !met)) process.exitCode = 1;
} finally {
  if (server.child) await stopServe(server.child);
  await cluster?.stop();
}
