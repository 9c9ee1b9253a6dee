/**
 * huggingface_hub's cache layout, so a model fetched by Python tools is reused here and the other way round:
 *
 *   <cacheDir>/models--<owner>--<name>/blobs/<etag>                 file contents, named by ETag (sha256 for LFS files)
 *   <cacheDir>/models--<owner>--<name>/snapshots/<commit>/<file>    relative symlink to ../../blobs/<etag>
 *   <cacheDir>/models--<owner>--<name>/refs/<revision>              the commit a branch or tag pointed to
 *   <cacheDir>/.locks/models--<owner>--<name>/<etag>.lock
 */
import { copyFile, mkdir, open, readFile, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

export const COMMIT_SHA = /^[0-9a-f]{40}$/;

export class RepoCache {
  readonly folderName: string;
  readonly folder: string;

  constructor(
    readonly cacheDir: string,
    readonly repo: string,
  ) {
    this.folderName = ['models', ...repo.split('/')].join('--');
    this.folder = join(cacheDir, this.folderName);
  }

  blobPath(etag: string): string {
    return join(this.folder, 'blobs', etag);
  }

  /** Where a blob grows while it downloads; kept after an interruption so the next run resumes it. */
  incompletePath(etag: string): string {
    return `${this.blobPath(etag)}.incomplete`;
  }

  lockPath(etag: string): string {
    return join(this.cacheDir, '.locks', this.folderName, `${etag}.lock`);
  }

  snapshotDir(commit: string): string {
    return join(this.folder, 'snapshots', commit);
  }

  pointerPath(commit: string, file: string): string {
    return join(this.snapshotDir(commit), ...file.split('/'));
  }

  /** The commit a revision resolved to when last online; a commit sha is its own. */
  async readRef(revision: string): Promise<string | undefined> {
    if (COMMIT_SHA.test(revision)) return revision;
    const commit = await readFile(join(this.folder, 'refs', ...revision.split('/')), 'utf8').catch(() => undefined);
    return commit && COMMIT_SHA.test(commit.trim()) ? commit.trim() : undefined;
  }

  async writeRef(revision: string, commit: string): Promise<void> {
    if (revision === commit) return;
    const path = join(this.folder, 'refs', ...revision.split('/'));
    if ((await readFile(path, 'utf8').catch(() => undefined)) === commit) return;
    await mkdir(dirname(path), { recursive: true });
    // Readers never see a half-written ref.
    const temporary = `${path}.${process.pid}.tmp`;
    await writeText(temporary, commit);
    await rename(temporary, path);
  }

  /** Size of a snapshot file (following its link to the blob), or undefined when absent or dangling. */
  async fileSize(commit: string, file: string): Promise<number | undefined> {
    const info = await stat(this.pointerPath(commit, file)).catch(() => undefined);
    return info?.isFile() ? info.size : undefined;
  }

  /** Points snapshots/<commit>/<file> at blobs/<etag>, as huggingface_hub does (a copy where symlinks are refused). */
  async linkPointer(commit: string, file: string, etag: string): Promise<void> {
    const pointer = this.pointerPath(commit, file);
    const blob = this.blobPath(etag);
    await mkdir(dirname(pointer), { recursive: true });
    await unlink(pointer).catch(() => {});
    try {
      await symlink(relative(dirname(pointer), blob), pointer);
    } catch (error) {
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      await copyFile(blob, pointer);
    }
  }
}

async function writeText(path: string, text: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOCK_POLL_MS = 200;

/**
 * Runs `work` holding an exclusive lock file (holding our pid), so two kgqa processes never append to the same
 * `.incomplete` file. A lock whose holder is gone, or an empty one (huggingface_hub's filelock leaves its
 * lock files behind, empty; it downloads to a file of its own, so it never shares ours), is taken over.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) await rm(path, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}
