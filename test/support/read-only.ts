/**
 * Read-only files and folders for real, as an operator makes them. Root writes through permission bits, so as root a
 * path is made read-only with a read-only bind mount (EROFS, the kernel's own refusal); otherwise with chmod.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';

export const runsAsRoot = process.getuid?.() === 0;

/** Makes `path` (a file or a folder) read-only; the returned function makes it writable again. */
export function makeReadOnly(path: string): () => void {
  if (runsAsRoot) {
    execFileSync('mount', ['--bind', path, path]);
    execFileSync('mount', ['-o', 'remount,ro,bind', path]);
    return () => execFileSync('umount', [path]);
  }
  const mode = statSync(path).mode & 0o777;
  chmodSync(path, mode & ~0o222);
  return () => chmodSync(path, mode);
}

/**
 * Spawn options that run a child as an unprivileged user (nobody) when the tests run as root, so that permission
 * bits apply to it as they do to a normal deployment; the child's files must belong to that user (chownTree).
 */
export const UNPRIVILEGED = runsAsRoot ? { uid: 65534, gid: 65534 } : {};

export function chownTree(path: string): void {
  if (runsAsRoot) execFileSync('chown', ['-R', '65534:65534', path]);
}
