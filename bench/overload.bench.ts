/**
 * Overload: 1,000 distinct `ask`s sent at once to a real `kgqa serve` (the CORD-19 sample, a generated tiny model),
 * while a probe asks `/healthz` every 20 ms until the flood is answered. Run once with admission control as
 * configured and once without it (`--queue-size 0 --max-in-flight 0`, every ask at once: the behaviour before it), each on a fresh
 * process over the same store. Reports asks answered vs refused, the flood's duration, /healthz p50/p99/max
 * and the event loop's lag (prom-client's monitorEventLoopDelay histogram, read from /metrics after the flood).
 *
 *   npm run model:tiny && node dist/bench/overload.bench.js [--model DIR] [--asks 1000] [--queue-size 64] [--queue-wait 10000]
 *     [--only admission|baseline] [--node-arg=--cpu-prof …]
 */
import { mkdtempSync } from 'node:fs';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/paths.js';
import { loadQuestionSet } from '../test/support/question-set.js';
import { probeModule, type ProbeReport } from './support/health-probe.js';
import { startServe, stopServe } from './support/serve.js';
import { loadReport, ms, quantile } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: join(packageRoot, '.kgqa', 'models', 'tiny') },
    asks: { type: 'string', default: '1000' },
    'queue-size': { type: 'string', default: '64' },
    'queue-wait': { type: 'string', default: '10000' },
    /** Run only one of the two: `admission` or `baseline`. */
    only: { type: 'string' },
    /** Options for the server's node, e.g. --cpu-prof to see what holds its event loop. */
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const asks = Number(args.asks);
const questions = loadQuestionSet().map((q) => q.question);
const PROBE_INTERVAL_MS = 20;
const ASK = 'query($q: String!) { ask(question: $q, limit: 5) { answers { text score passage { key } } } }';

interface Reply {
  status: number;
  ms: number;
  /** Refused before being read (the in-flight bound) rather than by the queue for the model. */
  shed: boolean;
}

/** One POST on a connection of its own, as 1,000 separate clients would send it. */
function post(url: URL, body: string): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started, shed: /requests are in flight|the queue for the model is full/.test(text) }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started, shed: false }));
    req.end(body);
  });
}

/** A GET on a connection of the bench's own (warm-up and metrics). */
function get(url: URL): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

/** Starts the probe process; `stop()` ends it and returns what it measured. */
async function startProbe(url: URL): Promise<{ stop(): Promise<ProbeReport> }> {
  const child = fork(probeModule, [url.href, String(PROBE_INTERVAL_MS)]);
  await once(child, 'message');
  return {
    async stop() {
      const report = once(child, 'message');
      child.send('stop');
      return (await report)[0] as ProbeReport;
    },
  };
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;

async function flood(label: string, extraArgs: string[], dataDir: string, ingest: boolean): Promise<void> {
  const server = await startServe({ modelDir: args.model, dataDir, ingest, extraArgs, nodeArgs: args['node-arg'] });
  try {
    const health = new URL('/healthz', server.url);
    const metricsUrl = new URL('/metrics', server.url);
    // Warm-up: the model's first run and the JIT, then a scrape so the lag histogram starts now.
    await post(server.url, JSON.stringify({ query: ASK, variables: { q: 'warm-up: what binds ACE2?' } }));
    for (let i = 0; i < 20; i++) await get(health);
    await get(metricsUrl);
    const probe = await startProbe(health);
    const before = loadReport();
    const started = performance.now();
    const answered = await Promise.all(
      Array.from({ length: asks }, (_, i) => post(server.url, JSON.stringify({ query: ASK, variables: { q: `${questions[i % questions.length]} (${label} ${i})` } }))),
    );
    const probes = await probe.stop();
    const seconds = (performance.now() - started) / 1000;
    const scraped = await get(metricsUrl);
    const worst = probes.ms.indexOf(Math.max(...probes.ms));
    const count = (status: number) => answered.filter((r) => r.status === status).length;
    const ok = answered.filter((r) => r.status === 200).map((r) => r.ms);
    console.log(`\n${label}: ${extraArgs.join(' ') || 'defaults'}; ${before}`);
    console.log(
      `  ${asks} asks in ${seconds.toFixed(1)} s: ${count(200)} answered (p50 ${ms(quantile(ok, 0.5))}, p99 ${ms(quantile(ok, 0.99))}), ` +
        `${count(503)} refused 503 (${answered.filter((r) => r.shed).length} before being read), ${count(429)} refused 429, ${answered.length - count(200) - count(503) - count(429)} other`,
    );
    console.log(
      `  /healthz from another process, ${probes.ms.length} answered probes (${probes.failed} failed): p50 ${ms(quantile(probes.ms, 0.5))}, ` +
        `p99 ${ms(quantile(probes.ms, 0.99))}, max ${ms(probes.ms[worst])} (sent ${ms(probes.sentAt[worst])} into the flood)`,
    );
    console.log(
      `  event-loop lag during the flood: p99 ${ms(metric(scraped, 'nodejs_eventloop_lag_p99_seconds'))}, max ${ms(metric(scraped, 'nodejs_eventloop_lag_max_seconds'))}`,
    );
  } finally {
    await stopServe(server.child);
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'kgqa-overload-'));
console.log(`model ${args.model}; ${asks} concurrent distinct asks; ${loadReport()}`);
if (args.only !== 'baseline') await flood('admission control', ['--queue-size', args['queue-size']!, '--queue-wait', args['queue-wait']!], dataDir, true);
if (args.only !== 'admission') await flood('baseline, no admission control', ['--queue-size', '0', '--max-in-flight', '0'], dataDir, args.only === 'baseline');
