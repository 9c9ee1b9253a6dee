/**
 * A full disk, for real: small tmpfs mounts (needs root, as mounting is the only way to get ENOSPC from the kernel
 * without faking the file system), filled by writing until the kernel refuses.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mounts: string[] = [];

/** A fresh tmpfs of `size` (e.g. '4m'), or undefined when this process may not mount. */
export function mountTmpfs(size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'kgqa-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    mounts.push(dir);
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

export const canMount = process.getuid?.() === 0 && mountTmpfs('64k') !== undefined;

/** Unmounts and removes every tmpfs this process mounted (call it from afterAll). */
export function unmountAll(): void {
  for (const dir of mounts.splice(0)) {
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes until the file system refuses: ENOSPC. */
export function fill(path: string): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024, 7);
  try {
    for (let size = block.length; size > 0; ) {
      try {
        writeSync(fd, block, 0, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        size = size >> 1;
      }
    }
  } finally {
    closeSync(fd);
  }
}
