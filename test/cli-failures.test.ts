import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, temporaryDir } from './support/cli.js';

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
