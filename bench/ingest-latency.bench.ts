/**
 * Does a request wait on an ingest? `kgqa serve` on the 1× corpus (COVID-QA + the CORD-19 sample, ingested first by
 * the same build's CLI), probed by two closed loops, `GET /healthz` and a GraphQL `search`, each request 10 ms after
 * the previous answer: first with the server idle, then while one ingest mutation of 1,000 new documents runs
 * (copies of the corpus's articles under new ids, paragraphs shuffled, cut to their first ~3,000 characters so
 * the request stays under the 5 MB body limit).
 *
 *   node dist/bench/ingest-latency.bench.js [--vocabulary FILE] [--documents 1000] [--idle-seconds 10]
 *     [--cli PATH]… [--node-arg=FLAG]…
 *
 * Each `--cli` is a kgqa build's dist/src/cli/main.js, measured one after another in this run (default: this build);
 * e.g. `--cli dist/src/cli/main.js --cli /tmp/old/dist/src/cli/main.js` to compare with the JSON store of 190a9bc.
 * `--node-arg` passes a flag to the server's node (e.g. `--node-arg=--cpu-prof`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SourceDocument } from '../src/ingest/documents.js';
import { BASE_CORPUS, documentCopy, readBaseCorpus } from './support/corpus-multiplier.js';
import { KGQA_CLI, startServe, stopServe } from './support/serve.js';
import { loadReport, ms, quantile } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    vocabulary: { type: 'string', multiple: true, default: [] },
    documents: { type: 'string', default: '1000' },
    'idle-seconds': { type: 'string', default: '10' },
    cli: { type: 'string', multiple: true, default: [] },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const KEY = 'bench-key';
const PAUSE_MS = 10;
const DOCUMENT_CHARS = 3_000;
const SEARCH = 'query($t: String!) { search(text: $t, limit: 10) { concepts { id } links { rank sentences(first: 2) { key text } } } }';
const SEARCH_TEXTS = ['coronavirus spike protein receptor binding', 'respiratory syncytial virus infection in children', 'interferon response to viral infection'];
const vocabularyArgs = args.vocabulary.flatMap((file) => ['--vocabulary', file]);

function run(cli: string, cliArgs: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...cliArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cliArgs[0]} exited ${code}`))));
  });
}

/** A closed loop of one kind of request until `until` settles; each latency in ms (a failed request counts too). */
async function probe(request: (i: number) => Promise<unknown>, until: Promise<unknown>): Promise<number[] & { errors?: number }> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] & { errors?: number } = [];
  for (let i = 0; !done; i++) {
    const started = performance.now();
    // A server that holds its event loop for seconds lets keep-alive connections time out under a request.
    await request(i).catch(() => (latencies.errors = (latencies.errors ?? 0) + 1));
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  return latencies;
}

async function probes(url: URL, until: Promise<unknown>) {
  const healthz = new URL('/healthz', url);
  const [health, search] = await Promise.all([
    probe(async () => (await fetch(healthz)).arrayBuffer(), until),
    probe(async (i) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SEARCH, variables: { t: SEARCH_TEXTS[i % SEARCH_TEXTS.length] } }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    }, until),
  ]);
  return { health, search };
}

function summary(latencies: number[] & { errors?: number }): string {
  const errors = latencies.errors ? `, ${latencies.errors} failed` : '';
  return `p50 ${ms(quantile(latencies, 0.5))}, p99 ${ms(quantile(latencies, 0.99))}, max ${ms(Math.max(...latencies))} (${latencies.length}${errors})`;
}

/** New documents for the mutation: copies of the corpus's articles, each cut to its first paragraphs. */
function mutationDocuments(corpus: readonly SourceDocument[], count: number) {
  return Array.from({ length: count }, (_, i) => {
    const copy = documentCopy(corpus[i % corpus.length], 1 + Math.floor(i / corpus.length));
    let text = '';
    for (const paragraph of copy.paragraphs) {
      if (text.length >= DOCUMENT_CHARS) break;
      text += `${text ? '\n\n' : ''}${paragraph}`;
    }
    return { id: copy.id, title: copy.title, year: copy.year, text };
  });
}

const corpus = await readBaseCorpus();
const documents = mutationDocuments(corpus, Number(args.documents));
const body = JSON.stringify({
  query: 'mutation($d: [DocumentInput!]!) { ingest(documents: $d) { accepted { outcome } rejected { id } } }',
  variables: { d: documents },
});
console.log(`mutation: ${documents.length} documents, ${(body.length / 1e6).toFixed(2)} MB; ${loadReport()}`);

for (const cli of args.cli.length > 0 ? args.cli : [KGQA_CLI]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'kgqa-latency-'));
  await run(cli, ['ingest', ...BASE_CORPUS, '--data-dir', dataDir, ...vocabularyArgs]);
  const { child, url } = await startServe({ cli, dataDir, ingest: false, extraArgs: vocabularyArgs, nodeArgs: args['node-arg'], env: { KGQA_API_KEY: KEY } });
  let serverOutput = '';
  child.stderr!.on('data', (chunk) => (serverOutput += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(`exited ${code ?? signal}`)));
  try {
    for (const text of SEARCH_TEXTS) await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SEARCH, variables: { t: text } }) });
    const idle = await probes(url, new Promise((resolve) => setTimeout(resolve, Number(args['idle-seconds']) * 1000)));
    const started = performance.now();
    const mutation = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body }).then(
      async (response) => (await response.json()) as { data?: { ingest: { accepted: unknown[]; rejected: unknown[] } }; errors?: unknown[] },
    );
    const during = await probes(url, mutation);
    const result = await mutation;
    if (!result.data) throw new Error(`ingest failed: ${JSON.stringify(result.errors)}`);
    const seconds = (performance.now() - started) / 1000;
    console.log(`\n${cli}: ingest of ${result.data.ingest.accepted.length} documents took ${seconds.toFixed(1)} s; ${loadReport()}`);
    console.log(`  /healthz idle:   ${summary(idle.health)}`);
    console.log(`  /healthz ingest: ${summary(during.health)}`);
    console.log(`  search idle:     ${summary(idle.search)}`);
    console.log(`  search ingest:   ${summary(during.search)}`);
  } catch (error) {
    // A server that dies under the ingest is a result too: say how, with the end of what it wrote.
    const how = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 1_000))]);
    console.log(`\n${cli}: failed (${(error as Error).message}); the server ${how}: ${serverOutput.trim().split('\n').slice(-3).join(' | ')}`);
  } finally {
    await stopServe(child);
  }
}
