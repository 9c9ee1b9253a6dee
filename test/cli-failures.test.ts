import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ARTICLE_LIMITS } from '../src/store/redis-store.js';
import { repoRoot, runCli, temporaryDir } from './support/cli.js';
import { startRedis, type RedisProcess } from './support/redis-cluster.js';

/** A gzip file of `header` then `repeat` times `chunk`, written as a stream (never held whole). */
async function gzipFile(path: string, header: string, chunk: string, repeat: number): Promise<string> {
  const piece = Buffer.from(chunk);
  async function* text() {
    yield Buffer.from(header);
    for (let i = 0; i < repeat; i++) yield piece;
  }
  await pipeline(text(), createGzip({ level: 1 }), createWriteStream(path));
  return path;
}

const HEADER = 'id\tname\tsynonyms\n';

describe('kgqa CLI failures: one line, exit 2, never a stack trace', () => {
  const dir = temporaryDir('kgqa-cli-failures-');
  let oneLine: string;
  let manyRows: string;
  beforeAll(async () => {
    // One line of 1 GB, and 20 M rows, once inflated.
    oneLine = await gzipFile(join(dir, 'one-line.tsv.gz'), HEADER, 'a'.repeat(16 * 1024 * 1024), 60);
    manyRows = await gzipFile(join(dir, 'many-rows.tsv.gz'), HEADER, 'D1\tname\t\n'.repeat(100_000), 200);
  });

  it('refuses vocabularies past their bounds, and other broken input, in one line', async () => {
    const seed = join(repoRoot, 'seed', 'corpus');
    const data = ['--data-dir', join(dir, 'data')];
    const cases: [string[], string][] = [
      [['ingest', seed, ...data, '--vocabulary', oneLine], `kgqa: Cannot load vocabulary ${oneLine}: line 2 is longer than 1,048,576 characters`],
      [['ingest', seed, ...data, '--vocabulary', manyRows], `kgqa: Cannot load vocabulary ${manyRows}: more than 1,000,000 rows`],
      [['serve', ...data, '--vocabulary', manyRows], `kgqa: Cannot load vocabulary ${manyRows}: more than 1,000,000 rows`],
      [['ingest', seed, '--store', 'redis://127.0.0.1:1'], 'kgqa: Redis store unreachable (redis://127.0.0.1:1): could not connect within 1000 ms'],
      [['migrate', '--store', 'sqlite'], 'kgqa: the embedded store upgrades its own file when it opens; migrate is for --store redis://… or redis+cluster://…'],
    ];
    for (const [args, line] of cases) {
      const result = await runCli(args);
      expect([result.code, result.stderr.trim()], args.join(' ')).toEqual([2, line]);
    }
  });
});

describe('kgqa ingest into Redis: a document larger than the store takes is rejected alone (exit 1)', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('names the document, its size and the limit in one line, stores the others, and prints no stack trace', async () => {
    const inputs = temporaryDir('kgqa-cli-too-large-');
    writeFileSync(join(inputs, 'short.txt'), 'Short\n\nSpike protein binds the receptor.\n');
    const { sentences } = DEFAULT_ARTICLE_LIMITS;
    writeFileSync(join(inputs, 'long.txt'), `Long\n\n${'Spike protein binds the receptor. '.repeat(sentences + 1)}\n`);
    const result = await runCli(['ingest', inputs, '--store', `redis://127.0.0.1:${redis.port}`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ingested 1 documents/);
    const rejections = result.stdout.split('\n').filter((line) => line.startsWith('  '));
    const limit = sentences.toLocaleString('en');
    const size = (sentences + 1).toLocaleString('en');
    expect(rejections).toEqual([`  ${join(inputs, 'long.txt')} (long): ${size} sentences, more than the ${limit} a document may have on the redis store`]);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
