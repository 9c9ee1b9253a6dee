/**
 * The embedded store at 1× and 10× the corpus (COVID-QA + the CORD-19 sample; 10× adds 9 copies of each article
 * under new ids, paragraphs shuffled: bench/support/corpus-multiplier.ts), for each kgqa build given:
 * - ingest: `kgqa ingest corpus.jsonl` wall time (a fresh process and data folder), documents and sentences per
 *   second, and bytes on disk per sentence (every file in the data folder once the process has exited);
 * - cold start: `kgqa serve` spawned on that folder until it serves, then the first `search` (open + first query);
 * - memory: the server's RSS (its own /metrics) after 60 searches and 60 article pages over the corpus.
 *
 *   node dist/bench/store.bench.js [--factors 1,10] [--vocabulary FILE]… [--cli PATH]…
 *
 * Each `--cli` is a build's dist/src/cli/main.js (default: this build); e.g. add `--cli /tmp/old/dist/src/cli/main.js`
 * (`git worktree add /tmp/old 190a9bc`, built there) to measure the JSON store in the same run. Serving runs
 * without --vocabulary: a server needs it only to ingest.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatBytes } from '../src/format-bytes.js';
import { multiplyCorpus, readBaseCorpus, writeJsonl } from './support/corpus-multiplier.js';
import { KGQA_CLI, startServe, stopServe } from './support/serve.js';
import { loadReport } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    factors: { type: 'string', default: '1,10' },
    vocabulary: { type: 'string', multiple: true, default: [] },
    cli: { type: 'string', multiple: true, default: [] },
  },
});
const SEARCH = 'query($t: String!) { search(text: $t, limit: 10) { concepts { id } links { rank sentences(first: 3) { key text article { title } } } } }';
const ARTICLE = 'query($id: ID!) { article(id: $id) { title sentences(first: 20) { edges { node { text concepts { name } } } } } }';
const TEXTS = [
  'coronavirus spike protein receptor binding',
  'respiratory syncytial virus infection in children',
  'interferon response to viral infection',
  'MERS coronavirus transmission from camels',
  'influenza vaccine efficacy',
  'main protease structure',
];

function ingest(cli: string, corpus: string, dataDir: string): Promise<{ seconds: number; summary: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'ingest', corpus, '--data-dir', dataDir, ...args.vocabulary.flatMap((file) => ['--vocabulary', file])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let summary = '';
  child.stdout!.on('data', (chunk) => (summary += chunk));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve({ seconds: (performance.now() - started) / 1000, summary }) : reject(new Error(`ingest exited ${code}`)))),
  );
}

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

async function post(url: URL, query: string, variables: Record<string, unknown>): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

async function rss(url: URL): Promise<number> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  return Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)![1]);
}

async function measure(cli: string, corpus: string, documents: number, factor: number): Promise<(string | number)[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kgqa-store-'));
  const { seconds, summary } = await ingest(cli, corpus, dataDir);
  const sentences = Number(/store: \d+ articles, (\d+) sentences/.exec(summary)![1]);
  const bytes = folderBytes(dataDir);
  const spawned = performance.now();
  const { child, url } = await startServe({ cli, dataDir, ingest: false });
  try {
    const serving = (performance.now() - spawned) / 1000;
    await post(url, SEARCH, { t: TEXTS[0] });
    const firstQuery = (performance.now() - spawned) / 1000;
    const articleIds = base.map((d, i) => (i % factor === 0 ? d.id : `${d.id}~${i % factor}`));
    for (let i = 0; i < 60; i++) {
      await post(url, SEARCH, { t: TEXTS[i % TEXTS.length] });
      await post(url, ARTICLE, { id: articleIds[(i * 7) % articleIds.length] });
    }
    const memory = await rss(url);
    const build = cli === KGQA_CLI ? 'this build' : cli;
    return [build, `${factor}x`, documents, sentences, `${seconds.toFixed(1)} s`, (documents / seconds).toFixed(1), Math.round(sentences / seconds), formatBytes(bytes), Math.round(bytes / sentences), `${serving.toFixed(2)} s`, `${firstQuery.toFixed(2)} s`, formatBytes(memory)];
  } finally {
    await stopServe(child);
  }
}

const base = await readBaseCorpus();
console.log(`${base.length} documents in the 1x corpus; ${loadReport()}`);
const rows: string[] = ['| build | corpus | documents | sentences | ingest | docs/s | sentences/s | on disk | bytes/sentence | serving after | first search | RSS serving |', '|---|---|---|---|---|---|---|---|---|---|---|---|'];
for (const factor of args.factors.split(',').map(Number)) {
  const corpus = join(mkdtempSync(join(tmpdir(), 'kgqa-corpus-')), `corpus-${factor}x.jsonl`);
  const written = await writeJsonl(multiplyCorpus(base, factor), corpus);
  console.log(`${factor}x: ${written.documents} documents, ${formatBytes(written.bytes)} of JSONL`);
  for (const cli of args.cli.length > 0 ? args.cli : [KGQA_CLI]) {
    const build = cli === KGQA_CLI ? 'this build' : cli;
    try {
      rows.push(`| ${(await measure(cli, corpus, written.documents, factor)).join(' | ')} |`);
    } catch (error) {
      // The JSON store cannot hold a corpus whose snapshot is longer than a JS string: that is a result too.
      rows.push(`| ${build} | ${factor}x | ${written.documents} | failed: ${(error as Error).message.split('\n')[0]} |`);
    }
    console.log(rows.at(-1), `; ${loadReport()}`);
  }
}
console.log(`\n${rows.join('\n')}`);
