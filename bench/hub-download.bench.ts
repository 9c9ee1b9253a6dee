/**
 * Download and first start of a distilbert-base-shaped model (265 MB fp32) from the mock Hub, against plain
 * HTTP copies of the same bytes from the same server, measured in the same run.
 *
 *   npm run build && node dist/bench/hub-download.bench.js [--rounds 3] [--preset distilbert-base] [--model DIR]
 *
 * - cold download: resolveModel into an empty cache (listing, HEAD per file, GET via the CDN redirect,
 *   sha256 / git-sha1 verification, fsync, rename, symlinks), against fetching the same files into plain
 *   files (the baseline: what any downloader must spend);
 * - first start: cold download + QaReader.load, against QaReader.load of the same model from a folder;
 * - cached start: resolveModel on the warm cache (one listing request) + QaReader.load, against the same load.
 * Rounds alternate the configurations; medians over rounds.
 */
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { resolveModel } from '../src/hub/resolve-model.js';
import { formatBytes } from '../src/format-bytes.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { QaReader } from '../src/pipeline/reader.js';
import { MockHub } from '../test/support/mock-hub.js';
import { benchModelDir } from './support/models.js';
import { loadReport, median, ms } from './support/stats.js';

const REPO = 'kgqa-bench/distilbert-base-qa';
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx'];

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, preset: { type: 'string' }, model: { type: 'string' } } });
const rounds = Number(values.rounds);
const modelDir = benchModelDir(values, 'distilbert-base');

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** The baseline: the same files over the same HTTP (following the CDN redirect), written to plain files. */
async function plainCopy(hub: MockHub, dir: string): Promise<void> {
  for (const file of FILES) {
    const response = await fetch(`${hub.url}/${REPO}/resolve/main/${file}`);
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(path));
  }
}

async function load(dir: string): Promise<void> {
  const reader = await loadQaReader(dir, { intraOpThreads: 2 });
  await reader.close();
}

console.log(`model ${modelDir}, ${rounds} rounds; ${loadReport()}`);
const hub = await MockHub.start({ repos: [{ id: REPO, commits: [{ dir: modelDir }] }] });
const bytes = FILES.reduce((total, file) => total + hub.file(REPO, file).size, 0);
const settings = { endpoint: hub.url, offline: false, timeoutMs: 30_000 };
const samples = { copy: [] as number[], download: [] as number[], firstStart: [] as number[], folderLoad: [] as number[], cachedStart: [] as number[] };
try {
  for (let round = 0; round < rounds; round++) {
    const scratch = mkdtempSync(join(tmpdir(), 'kgqa-hub-bench-'));
    try {
      samples.copy.push(await timed(() => plainCopy(hub, join(scratch, 'copy'))));
      const cacheDir = join(scratch, 'cache');
      let dir = '';
      const download = await timed(async () => {
        dir = (await resolveModel(REPO, { settings: { ...settings, cacheDir } })).dir;
      });
      const loadAfter = await timed(() => load(dir));
      samples.download.push(download);
      samples.firstStart.push(download + loadAfter);
      samples.folderLoad.push(await timed(() => load(modelDir)));
      samples.cachedStart.push(await timed(async () => load((await resolveModel(REPO, { settings: { ...settings, cacheDir } })).dir)));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    console.log(`round ${round + 1}: ${Object.entries(samples).map(([name, values]) => `${name} ${ms(values.at(-1)!)}`).join(', ')}`);
  }
} finally {
  await hub.stop();
}

const m = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)])) as Record<keyof typeof samples, number>;
console.log(`\n${formatBytes(bytes)} in ${FILES.length} files; medians over ${rounds} rounds; ${loadReport()}`);
console.log(`plain HTTP copy (baseline)      ${ms(m.copy)}  ${formatBytes((bytes / m.copy) * 1000)}/s`);
console.log(`cold download (resolveModel)    ${ms(m.download)}  ${(m.download / m.copy).toFixed(2)}x the plain copy`);
console.log(`load from a folder (baseline)   ${ms(m.folderLoad)}`);
console.log(`first start (download + load)   ${ms(m.firstStart)}  ${(m.firstStart / m.folderLoad).toFixed(2)}x a load from a folder`);
console.log(`cached start (resolve + load)   ${ms(m.cachedStart)}  ${(m.cachedStart / m.folderLoad).toFixed(2)}x a load from a folder`);
