import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, temporaryDir } from './support/cli.js';
import { chownTree, UNPRIVILEGED } from './support/read-only.js';

/**
 * A folder with every kind of entry a walk cannot read, next to two good documents. As root, permission bits do not
 * apply, so the CLI runs as an unprivileged user (UNPRIVILEGED) and the tree belongs to it.
 */
function hostileFolder(): string {
  const root = temporaryDir('kgqa-walk-');
  const corpus = join(root, 'corpus');
  mkdirSync(join(corpus, 'sub'), { recursive: true });
  writeFileSync(join(corpus, 'good.txt'), 'A good document\n\nCoronavirus spike protein binds the ACE2 receptor.\n');
  writeFileSync(join(corpus, 'sub', 'also-good.md'), '# Also good\n\nThe receptor binding domain is in the spike protein.\n');
  symlinkSync('..', join(corpus, 'sub', 'loop'));
  symlinkSync('missing.txt', join(corpus, 'dangling.txt'));
  symlinkSync('self.txt', join(corpus, 'self.txt'));
  execFileSync('mkfifo', [join(corpus, 'pipe.txt')]);
  symlinkSync('/dev/zero', join(corpus, 'device.txt'));
  writeFileSync(join(corpus, 'secret.txt'), 'Secret\n\nNobody may read this.\n');
  mkdirSync(join(corpus, 'locked'));
  writeFileSync(join(corpus, 'locked', 'inside.txt'), 'Inside\n\nUnreachable.\n');
  chownTree(root);
  chmodSync(join(corpus, 'secret.txt'), 0o000);
  chmodSync(join(corpus, 'locked'), 0o000);
  return root;
}

describe('kgqa ingest walking a folder', () => {
  it('skips and reports, per path, what it cannot read, ingests the rest and exits 1', async () => {
    const root = hostileFolder();
    const corpus = join(root, 'corpus');
    const result = await runCli(['ingest', corpus, '--data-dir', join(root, 'data')], {}, { as: UNPRIVILEGED });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ingested 2 documents \(2 new/);
    const reasons = result.stdout.split('\n').filter((line) => line.startsWith('  ')).sort();
    expect(reasons).toEqual(
      [
        `  ${join(corpus, 'dangling.txt')}: dangling symbolic link (to missing.txt)`,
        `  ${join(corpus, 'device.txt')}: not a regular file (a device)`,
        `  ${join(corpus, 'locked')}: permission denied`,
        `  ${join(corpus, 'pipe.txt')}: not a regular file (a named pipe)`,
        `  ${join(corpus, 'secret.txt')}: permission denied`,
        `  ${join(corpus, 'self.txt')}: symbolic link loop`,
        `  ${join(corpus, 'sub', 'loop')}: a folder already walked (a symbolic link loop, or a second link to it)`,
      ].sort(),
    );
  });

  it('reads a named pipe given by name without waiting for a writer', async () => {
    const root = temporaryDir('kgqa-walk-');
    execFileSync('mkfifo', [join(root, 'pipe.txt')]);
    const result = await runCli(['ingest', join(root, 'pipe.txt'), '--data-dir', join(root, 'data')]);
    expect([result.code, result.stderr]).toEqual([1, '']);
    expect(result.stdout).toContain(`${join(root, 'pipe.txt')}: not a regular file (a named pipe)`);
  });

  it('still refuses a named path that does not exist, as bad usage', async () => {
    const root = temporaryDir('kgqa-walk-');
    const result = await runCli(['ingest', join(root, 'nope'), '--data-dir', join(root, 'data')]);
    expect([result.code, result.stderr.trim()]).toEqual([2, `kgqa: no such file or folder: ${join(root, 'nope')}`]);
  });
});
