import { describe, expect, it } from 'vitest';
import { runCli, temporaryDir } from './support/cli.js';

describe('kgqa CLI usage', () => {
  it('prints help for each command and exits 0', async () => {
    for (const args of [['--help'], ['ingest', '--help'], ['serve', '--help'], ['backup', '--help'], ['check', '--help']]) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toMatch(/Usage: kgqa/);
    }
    expect((await runCli(['ingest', '--help'])).stdout).toMatch(/--vocabulary <file>/);
    expect((await runCli(['serve', '--help'])).stdout).toMatch(/--port <n>/);
  });

  it('exits non-zero with a one-line reason on bad usage', async () => {
    const cases: [string[], RegExp][] = [
      [['ingest'], /missing required argument 'paths'/],
      [['serve', '--port', 'abc'], /must be a port number/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['ingest', '/no/such/place', '--data-dir', temporaryDir()], /no such file or folder: \/no\/such\/place/],
      [['ingest', '.', '--store', 'mongodb://x', '--data-dir', temporaryDir()], /store "mongodb:\/\/x" is not one of/],
      [['ingest', '.', '--vocabulary', '/no/vocab.tsv', '--data-dir', temporaryDir()], /\/no\/vocab\.tsv/],
      [['backup', '/tmp/x.sqlite', '--data-dir', '/no/store'], /^kgqa: \/no\/store\/kgqa\.sqlite does not exist: give the --data-dir of a kgqa store$/],
      [['check', '--data-dir', '/no/store'], /^kgqa: \/no\/store\/kgqa\.sqlite does not exist: give the --data-dir of a kgqa store$/],
    ];
    for (const [args, reason] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')[0], args.join(' ')).toMatch(reason);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
