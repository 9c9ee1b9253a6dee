/**
 * How long Redis is held by one script while a single large document is written (issue 15: one document of 1 M
 * short sentences made every other client wait 2.3 s). For each document shape and size, in a process of its own
 * (so its peak RSS is the ingest's, as in `kgqa ingest`): the document is ingested as `kgqa ingest --model` does
 * (a small vocabulary, the tiny model's tokens), then replaced by a version with another title (BEGIN reads the
 * stored sentences back, every graph script removes the old positions, COMMIT deletes the old hashes), then deleted.
 * The bench's own redis-server logs every command in SLOWLOG; the longest one of each step is reported.
 *
 *   npm run build && node dist/bench/redis-document-size.bench.js [--sizes 1000,5000,…] [--shapes varied,same,long]
 *
 * Shapes: `varied` (5 of 10,000 words and 2 of 100 concepts a sentence, ~50 characters), `same` (every sentence
 * the same 7 words and 3 concepts: each of their posting lists, concept and edge sentence sets as long as the
 * document), `long` (sentences of ~990 characters, just under the splitter's 1,000).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { ArticlePreparer } from '../src/ingest/article-preparer.js';
import { toDocument } from '../src/ingest/documents.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { RedisStore } from '../src/store/redis-store.js';
import * as scripts from '../src/store/redis/scripts.js';
import { startRedis } from '../test/support/redis-cluster.js';
import { Rng } from '../test/support/seeded-rng.js';
import { benchModelDir } from './support/models.js';

const SHAPES = ['varied', 'same', 'long'] as const;
type Shape = (typeof SHAPES)[number];
const DEFAULT_SIZES = [1_000, 2_000, 5_000, 10_000, 20_000];
/** A script's wall time includes any time the machine takes the CPU from Redis: each step's longest is a median of runs. */
const RUNS = 3;
/** 1,000-character sentences make a 100 MB document at 100 k; the long shape stops here. */
const LONG_MAX_SIZE = 20_000;
const SENTENCES_PER_PARAGRAPH = 100;
const WORDS = 10_000;
const CONCEPTS = 100;

interface Step {
  /** Longest command in SLOWLOG, in ms, and which one (median of RUNS runs). */
  longestMs: number;
  longest: string;
  /** Of the whole step (median). */
  seconds: number;
}
interface CaseResult {
  shape: Shape;
  sentences: number;
  characters: number;
  create: Step;
  replace: Step;
  delete: Step;
  peakRssMb: number;
}

/** A pronounceable word per number, distinct for distinct numbers ("ba", "be", …, "bebi", …). */
function word(n: number): string {
  const consonants = 'bdfgklmnprstvz';
  const vowels = 'aeiou';
  let out = '';
  do {
    out += consonants[n % consonants.length] + vowels[Math.floor(n / consonants.length) % vowels.length];
    n = Math.floor(n / (consonants.length * vowels.length));
  } while (n > 0);
  return `${out}x`;
}
const conceptName = (i: number) => `concept${word(i)}`;

function vocabulary(): string {
  const rows = Array.from({ length: CONCEPTS }, (_, i) => `BENCH:${i}\t${conceptName(i)}\t`);
  return ['id\tname\tsynonyms', ...rows, 'BENCH:S1\tCoronavirus\t', 'BENCH:S2\tSpike protein\t', 'BENCH:S3\tACE2 receptor\t', ''].join('\n');
}

function sentences(shape: Shape, count: number): string[] {
  const random = new Rng(count);
  const pick = (n: number) => random.int(0, n - 1);
  const words = (n: number) => Array.from({ length: n }, () => word(pick(WORDS))).join(' ');
  return Array.from({ length: count }, () => {
    if (shape === 'same') return 'Coronavirus spike protein binds the ACE2 receptor.';
    const concepts = `${conceptName(pick(CONCEPTS))} with ${conceptName(pick(CONCEPTS))}`;
    if (shape === 'varied') return `${words(3)} ${concepts} ${words(2)}.`;
    let text = `${concepts} ${words(3)}`;
    while (text.length < 980) text += ` ${word(pick(WORDS))}`;
    return `${text.slice(0, 985).trimEnd()}.`;
  });
}

async function slowlog(client: ReturnType<typeof createClient>): Promise<{ longestMs: number; longest: string }> {
  const names = new Map(Object.entries(scripts).flatMap(([name, value]) => ('sha' in value ? [[value.sha, name] as const] : [])));
  const entries = (await client.sendCommand(['SLOWLOG', 'GET', '-1'])) as [number, number, number, string[]][];
  let longest = { longestMs: 0, longest: '' };
  for (const [, , micros, args] of entries) {
    const command = args[0].toUpperCase();
    // The bench's own SLOWLOG GET and RESET are no part of the write.
    if (micros / 1000 <= longest.longestMs || command === 'SLOWLOG') continue;
    longest = { longestMs: micros / 1000, longest: command === 'EVALSHA' ? (names.get(args[1]) ?? 'EVALSHA ?') : command };
  }
  return longest;
}

/** One shape and size, in this process: prints its CaseResult as JSON. */
async function runCase(port: number, shape: Shape, count: number, vocabularyPath: string, modelDir: string): Promise<void> {
  const texts = sentences(shape, count);
  const paragraphs: string[] = [];
  for (let i = 0; i < texts.length; i += SENTENCES_PER_PARAGRAPH) paragraphs.push(texts.slice(i, i + SENTENCES_PER_PARAGRAPH).join(' '));
  const documentVersion = (title: string) => {
    const result = toDocument({ id: 'big', title, year: 2020, paragraphs }, 'bench');
    if (!('document' in result)) throw new Error(result.rejected.reason);
    return [result];
  };
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  await client.connect();
  const preparer = await ArticlePreparer.start({ vocabularies: [vocabularyPath], modelDir });
  const runs: Record<'create' | 'replace' | 'delete', Step[]> = { create: [], replace: [], delete: [] };
  try {
    for (let run = 0; run < RUNS; run++) {
      const store = await RedisStore.open(`redis://127.0.0.1:${port}`, { namespace: `docsize-${shape}-${count}-${run}`, articleLimits: { sentences: Infinity, characters: Infinity } });
      try {
        const step = async (name: keyof typeof runs, write: () => Promise<unknown>) => {
          await client.sendCommand(['SLOWLOG', 'RESET']);
          const started = performance.now();
          await write();
          const seconds = (performance.now() - started) / 1000;
          runs[name].push({ ...(await slowlog(client)), seconds });
        };
        const ingest = async (title: string) => {
          const summary = await ingestDocuments(store, documentVersion(title), { preparer });
          if (summary.accepted.length !== 1) throw new Error(`not stored: ${JSON.stringify(summary.rejected)}`);
        };
        await step('create', () => ingest('First version'));
        await step('replace', () => ingest('Second version'));
        await step('delete', () => store.deleteArticles(['big']));
      } finally {
        await store.drop();
        await store.close();
      }
    }
    const median = (steps: Step[]): Step => {
      const sorted = [...steps].sort((a, b) => a.longestMs - b.longestMs);
      const seconds = steps.map((s) => s.seconds).sort((a, b) => a - b);
      return { ...sorted[Math.floor(sorted.length / 2)], seconds: seconds[Math.floor(seconds.length / 2)] };
    };
    const result: CaseResult = {
      shape,
      sentences: count,
      characters: paragraphs.reduce((sum, p) => sum + p.length, 0),
      create: median(runs.create),
      replace: median(runs.replace),
      delete: median(runs.delete),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    console.log(JSON.stringify(result));
  } finally {
    await Promise.all([preparer.close(), client.quit()]);
  }
}

async function main(): Promise<void> {
  const argument = (name: string) => {
    const at = process.argv.indexOf(name);
    return at < 0 ? undefined : process.argv[at + 1];
  };
  const sizes = argument('--sizes')?.split(',').map(Number) ?? DEFAULT_SIZES;
  const shapes = (argument('--shapes')?.split(',') ?? SHAPES) as Shape[];
  const dir = mkdtempSync(join(tmpdir(), 'kgqa-docsize-'));
  const vocabularyPath = join(dir, 'vocabulary.tsv');
  writeFileSync(vocabularyPath, vocabulary());
  const modelDir = benchModelDir({}, 'tiny');
  // Every command of 1 ms or more is logged (logging all of them slowed Redis), on a server of the bench's own: the
  // shared Redis keeps its settings.
  const redis = await startRedis(['--slowlog-log-slower-than', '1000', '--slowlog-max-len', '100000']);
  const rows: string[] = [];
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(', ');
  try {
    for (const shape of shapes) {
      let failed = false;
      for (const size of sizes) {
        // A larger document of a shape that failed fails too, only later.
        if ((shape === 'long' && size > LONG_MAX_SIZE) || failed) continue;
        const row = await promisify(execFile)(
          process.execPath,
          [fileURLToPath(import.meta.url), '--case', String(redis.port), shape, String(size), vocabularyPath, modelDir],
          { maxBuffer: 1 << 20 },
        ).then(
          ({ stdout }) => {
            const r = JSON.parse(stdout) as CaseResult;
            const cell = (s: Step) => `${s.longest ? `${s.longestMs.toFixed(1)} ms ${s.longest}` : '< 1 ms'} (${s.seconds.toFixed(1)} s)`;
            return `| ${r.shape} | ${r.sentences.toLocaleString('en')} | ${(r.characters / 1e6).toFixed(1)} M | ${cell(r.create)} | ${cell(r.replace)} | ${cell(r.delete)} | ${r.peakRssMb} MB |`;
          },
          (error: { stderr: string }) => (failed = true) && `| ${shape} | ${size.toLocaleString('en')} | | failed: ${/^\w+: (.*)$/m.exec(error.stderr)?.[1] ?? error.stderr.trim().split('\n')[0]} | | | |`,
        );
        console.error(row);
        rows.push(row);
      }
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load average before: ${loadBefore}; after: ${loadavg().map((x) => x.toFixed(2)).join(', ')}\n`);
  console.log('| shape | sentences | characters | longest command: create (step) | replace | delete | peak RSS |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

const caseAt = process.argv.indexOf('--case');
if (caseAt >= 0) {
  const [port, shape, size, vocabularyPath, modelDir] = process.argv.slice(caseAt + 1);
  await runCase(Number(port), shape as Shape, Number(size), vocabularyPath, modelDir);
} else {
  await main();
}
