/**
 * GraphQL `ask` on Redis (issue 4): the tiny generated model, the CORD-19 sample ingested with `kgqa ingest --model`
 * (no vocabulary; sentences pre-tokenized) and the Redis answer cache, as `kgqa serve --store redis…` runs them.
 *
 * 1. Redis cost of one ask, on a standalone Redis and on a 3-master/3-replica Redis Cluster, with 5 and 20
 *    candidates (`--candidates`, 20 by default), every answer returned (limit 100) with its sentence, article and edge:
 *    uncached (answer cache and retrieval memo empty, the model reads every candidate) and cached (the same question
 *    again). Redis commands by name (INFO commandstats) and socket reads (total_reads_processed, ≈ round trips),
 *    summed over every master, and batched store calls (DataLoader batches) by method. In-process server, median of --runs.
 * 2. Cached-ask throughput of real `kgqa serve` processes under autocannon (closed loop, --connections in total):
 *    (a) one server on the memory store, (b) one server on the cluster, (c) two servers on the same cluster with the
 *    connections split between them; --seconds each, alternated for --rounds rounds; medians of req/s, p50 and p99,
 *    and ratios to the memory store. Every response must carry `cached: true` and no errors, and the servers' own
 *    /metrics must show no answer-cache miss (no model run) while measuring.
 *
 *   npm run build && node dist/bench/redis-ask.bench.js [--preset tiny | --model DIR] [--runs 3]
 *     [--seconds 10] [--rounds 5] [--warmup 3] [--connections 10] [--question TEXT]
 *
 * It starts its own redis-server processes on free loopback ports (redis-server and redis-cli must be installed).
 * Client, servers and Redis nodes share the machine's cores: the output says how many and how loaded they were.
 */
import autocannon from 'autocannon';
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs, promisify } from 'node:util';
import { RedisAnswerCache } from '../src/store/redis-answer-cache.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { createApp } from '../src/server/app.js';
import { RedisStore } from '../src/store/redis-store.js';
import { cord19Dir, graphql } from '../test/support/cli.js';
import { countingStore } from '../test/support/counting-store.js';
import { loadQuestionSet } from '../test/support/question-set.js';
import { startRedis, startRedisCluster } from '../test/support/redis-cluster.js';
import { benchModelDir } from './support/models.js';
import { delta, serverCounters } from './support/redis-counters.js';
import { KGQA_CLI, startServe, stopServe, type ServeProcess } from './support/serve.js';
import { loadReport, median, ms, quantile } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    preset: { type: 'string' },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    question: { type: 'string' },
  },
});
const runs = Number(args.runs);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const warmupSeconds = Number(args.warmup);
const connections = Number(args.connections);
const CANDIDATES = [5, 20];
const THROUGHPUT_CANDIDATES = 20;
const questions = loadQuestionSet();
const question = args.question ?? questions[3].question;
/** Asked first on every server, so the question matcher and the model are loaded before anything is counted. */
const warmQuestion = questions[0].question;

const ASK = `query($q: String!, $limit: Int) { ask(question: $q, limit: $limit) {
  candidates { key }
  answers { text score cached passage { key text article { title } } edge { source { name } target { name } } } } }`;

interface AskResult {
  candidates: { key: string }[];
  answers: { cached: boolean }[];
}

async function ask(url: string, text: string, limit: number): Promise<AskResult> {
  const response = await graphql<{ ask: AskResult }>(url, ASK, { q: text, limit });
  if (response.errors || !response.data) throw new Error(`ask "${text}": ${JSON.stringify(response.errors)}`);
  return response.data.ask;
}

/** The answers of a second ask must all come from the cache; the first's of a cleared cache from the model. */
function expectCached(result: AskResult, cached: boolean, what: string): void {
  if (result.answers.length === 0 || !result.answers.every((a) => a.cached === cached)) {
    throw new Error(`${what}: expected ${result.answers.length} answers all with cached: ${cached}`);
  }
}

/** `kgqa ingest` of the CORD-19 sample with the model's tokenizer; rejects unless it exits 0. Resolves to its summary's first line. */
async function ingestWithCli(store: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [KGQA_CLI, 'ingest', cord19Dir, '--store', store, '--model', modelDir]);
  return stdout.split('\n')[0];
}

const modelDir = benchModelDir(args, 'tiny');
const reader = await loadQaReader(modelDir);
console.log(`node dist/bench/redis-ask.bench.js --runs ${runs} --seconds ${seconds} --rounds ${rounds} --warmup ${warmupSeconds} --connections ${connections}`);
console.log(`model ${modelDir} (${reader.model.description}); question "${question}"`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}) shared by this client, the kgqa servers and 7 redis-server processes; ${loadReport()} at start`);

const [single, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
const servers: ServeProcess[] = [];
try {
  // ---- Ingest once per Redis, as an operator would; then check that running it again changes nothing.
  const standaloneUrl = `redis://127.0.0.1:${single.port}`;
  for (const url of [standaloneUrl, cluster.url]) {
    console.log(`kgqa ingest --store ${url.startsWith('redis+cluster') ? 'redis+cluster://…' : url} --model: ${await ingestWithCli(url)}`);
  }
  const versionOf = async (url: string) => {
    const store = await RedisStore.open(url);
    try {
      return await store.corpusVersion();
    } finally {
      await store.close();
    }
  };
  const versionBefore = await versionOf(cluster.url);
  const again = await ingestWithCli(cluster.url);
  const versionAfter = await versionOf(cluster.url);
  console.log(`re-ingest into the cluster: ${again}; corpus version ${versionBefore} -> ${versionAfter}${versionBefore === versionAfter ? ' (a no-op: cached answers stay valid)' : ' (CHANGED)'}`);

  // ---- 1. Redis commands, reads and store calls per ask.
  console.log(`\n## Redis per ask (in-process server, Redis answer cache; median of ${runs} runs; every answer returned)\n`);
  console.log('| store | candidates | ask | answers returned | store calls | Redis commands | Redis reads (all masters) | commands by name | store calls by method |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const targets = [
    { name: 'Redis (standalone)', url: standaloneUrl, ports: async () => [single.port] },
    { name: 'Redis Cluster (3 masters)', url: cluster.url, ports: () => cluster.masterPorts() },
  ];
  const idleChecks: string[] = [];
  for (const target of targets) {
    // Two snapshots with nothing in between must show no traffic, or the counts below include the measuring.
    const idlePorts = await target.ports();
    const idle = delta(await serverCounters(idlePorts), await serverCounters(idlePorts));
    idleChecks.push(`${target.name}: ${idle.commands} commands, ${idle.reads} reads`);
    const store = await RedisStore.open(target.url);
    const counter = countingStore(store);
    const cache = new RedisAnswerCache(store);
    for (const k of CANDIDATES) {
      // As `kgqa serve` wires it, with every store call (the answer service's too) counted.
      const app = createApp({ store: counter.store, answerCache: cache, reader, candidates: k });
      const server = await app.listen({ port: 0 });
      try {
        await ask(server.url, warmQuestion, 100);
        const measure = async (cached: boolean) => {
          const ports = await target.ports();
          counter.reset();
          const before = await serverCounters(ports);
          const result = await ask(server.url, question, 100);
          const redis = delta(before, await serverCounters(ports));
          if (result.candidates.length !== k) throw new Error(`${result.candidates.length} candidates, expected ${k}`);
          expectCached(result, cached, `${target.name}, ${k} candidates, ${cached ? 'cached' : 'uncached'} ask`);
          return { ...redis, answers: result.answers.length, calls: counter.total(), byMethod: Object.fromEntries(counter.calls) };
        };
        const series = { uncached: [] as Awaited<ReturnType<typeof measure>>[], cached: [] as Awaited<ReturnType<typeof measure>>[] };
        for (let run = 0; run < runs; run++) {
          // Not counted: forgetting every answer (SCAN + UNLINK) and the memoized retrieval, so the ask starts cold.
          await cache.clear();
          app.services.retrievals.clear();
          series.uncached.push(await measure(false));
          series.cached.push(await measure(true));
        }
        for (const [kind, list] of Object.entries(series)) {
          const last = list[list.length - 1];
          const byName = Object.entries(last.byCommand).sort((a, b) => b[1] - a[1]).map(([name, n]) => `${name} ${n}`).join(', ');
          const byMethod = Object.entries(last.byMethod).map(([name, n]) => `${name} ${n}`).join(', ');
          console.log(
            `| ${target.name} | ${k} | ${kind} | ${last.answers} | ${median(list.map((m) => m.calls))} | ${median(list.map((m) => m.commands))} | ` +
              `${median(list.map((m) => m.reads))} (runs: ${list.map((m) => m.reads).join(', ')}) | ${byName} | ${byMethod} |`,
          );
        }
      } finally {
        await server.close();
      }
    }
    await store.close();
  }
  console.log(`\nmeasuring overhead (two INFO snapshots with nothing between, should be 0): ${idleChecks.join('; ')}`);
  console.log('Reads are socket reads by the Redis servers: one per pipelined round trip per connection (a large pipeline may take more).');

  // ---- 2. Cached-ask throughput of real servers.
  const extraArgs = ['--candidates', String(THROUGHPUT_CANDIDATES)];
  const memory = await startServe({ modelDir, extraArgs });
  servers.push(memory);
  // Already ingested above: these start on the cluster's data as it is.
  for (let i = 0; i < 2; i++) servers.push(await startServe({ modelDir, store: cluster.url, ingest: false, extraArgs }));
  const [, clusterA, clusterB] = servers;
  for (const server of servers) {
    await ask(server.url.href, question, 5);
    expectCached(await ask(server.url.href, question, 5), true, `warming ${server.url.href}`);
  }
  const configs = [
    { name: '(a) 1 server, memory store', servers: [memory] },
    { name: '(b) 1 server, Redis Cluster', servers: [clusterA] },
    { name: '(c) 2 servers, same Redis Cluster', servers: [clusterA, clusterB] },
  ];
  const body = JSON.stringify({ query: ASK, variables: { q: question, limit: 5 } });
  console.log(`\n## Cached ask throughput (real \`kgqa serve\`, ${THROUGHPUT_CANDIDATES} candidates, limit 5; autocannon, ${connections} connections in total, ${seconds} s per run, ${rounds} rounds alternated)\n`);
  for (const config of configs) await load(config.servers, warmupSeconds, body);
  const loadBefore = loadReport();
  const results = new Map<string, Load[]>(configs.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const config of configs) {
      const result = await load(config.servers, seconds, body);
      results.get(config.name)!.push(result);
      console.log(
        `round ${round + 1} ${config.name}: ${result.rps.toFixed(0)} req/s over ${result.seconds.toFixed(1)} s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}; asks per server ${result.perServer.join(' + ')}` +
          `; errors ${result.errors}, non-2xx ${result.non2xx}, not all cached or GraphQL errors ${result.bad}, cache misses ${result.misses}`,
      );
      if (result.errors || result.non2xx || result.bad || result.misses) throw new Error(`${config.name}: failed requests or uncached answers${result.firstBad ? `: ${result.firstBad}` : ''}`);
    }
  }
  const loadAfter = loadReport();
  const base = results.get(configs[0].name)!;
  const [baseRps, baseP50, baseP99] = [median(base.map((r) => r.rps)), median(base.map((r) => r.p50)), median(base.map((r) => r.p99))];
  console.log(`\n| setup | req/s (median) | vs memory | p50 | vs memory | p99 | vs memory | req/s per round |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const config of configs) {
    const list = results.get(config.name)!;
    const [rps, p50, p99] = [median(list.map((r) => r.rps)), median(list.map((r) => r.p50)), median(list.map((r) => r.p99))];
    console.log(
      `| ${config.name} | ${rps.toFixed(0)} | ${(rps / baseRps).toFixed(2)}× | ${ms(p50)} | ${(p50 / baseP50).toFixed(2)}× | ${ms(p99)} | ${(p99 / baseP99).toFixed(2)}× | ${list.map((r) => r.rps.toFixed(0)).join(', ')} |`,
    );
  }
  console.log(`\nmachine: ${loadBefore} before the throughput runs, ${loadAfter} after; the autocannon client, the kgqa servers and the 7 redis-server processes all share these ${cpus().length} cores, so the figures are of this box, not of a deployment.`);
} finally {
  await Promise.all(servers.map((server) => stopServe(server.child)));
  await reader.close();
  await Promise.all([single.stop(), cluster.stop()]);
}

interface Load {
  /** Completed requests / the run's measured length (autocannon stops at its next 1-s sample tick: 10–11 s for 10). */
  rps: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** 2xx replies with GraphQL errors or an answer not served from the cache. */
  bad: number;
  firstBad?: string;
  /** Asks each server served, from its own /metrics (answer-cache hits / candidates). */
  perServer: number[];
  /** Answer-cache misses on the servers while loading: each would be a model run. */
  misses: number;
}

/** The servers' answer-cache lookups so far, from their /metrics. */
async function cacheLookups(server: ServeProcess): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(new URL('/metrics', server.url))).text();
  const value = (result: string) => Number(new RegExp(`^kgqa_answer_cache_lookups_total\\{result="${result}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { hit: value('hit'), miss: value('miss') };
}

/** Closed-loop load on the servers for `duration` s; the connections are dealt round-robin over their URLs. */
async function load(targets: ServeProcess[], duration: number, body: string): Promise<Load> {
  const before = await Promise.all(targets.map(cacheLookups));
  const latencies: number[] = [];
  let bad = 0;
  let firstBad: string | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        // autocannon 9 accepts several URLs (lib/run.js deals connections out over them); its types say one string.
        url: targets.map((server) => server.url.href) as unknown as string,
        connections,
        duration,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            onResponse: (status, text) => {
              if (status >= 300 || (text.includes('"cached":true') && !text.includes('"cached":false') && !text.includes('"errors"'))) return;
              bad++;
              firstBad ??= text.slice(0, 200);
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // autocannon's own histogram keeps whole milliseconds; these are the exact times.
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const after = await Promise.all(targets.map(cacheLookups));
  return {
    rps: result.requests.total / result.duration,
    seconds: result.duration,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    errors: result.errors,
    non2xx: result.non2xx,
    bad,
    firstBad,
    perServer: after.map((a, i) => Math.round((a.hit - before[i].hit) / THROUGHPUT_CANDIDATES)),
    misses: after.reduce((n, a, i) => n + a.miss - before[i].miss, 0),
  };
}
