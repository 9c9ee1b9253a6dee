/**
 * Downloads one file into `<blob>.incomplete`, resuming what an earlier run left there with a `Range` request
 * (huggingface_hub's http_get), verifies it, and only then renames it to `<blob>`: a blob in the cache is
 * always whole and checked, whatever interrupted the download.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { HubError } from './hub-error.js';
import { networkReason, type FileLocation, type HubApi } from './hub-api.js';
import { formatBytes } from '../format-bytes.js';

export interface ExpectedContent {
  size: number;
  /** sha256 for LFS files; git blob sha1 (of "blob <size>\0<content>") for files kept in git. */
  digest?: { algorithm: 'sha256' | 'git-sha1'; hex: string };
}

export interface BlobDownload {
  api: HubApi;
  location: FileLocation;
  expected: ExpectedContent;
  incompletePath: string;
  blobPath: string;
  repo: string;
  /** The file's path in the repository. */
  file: string;
  /** Bytes added to the file (negative when a server ignores Range and it starts over). */
  onBytes?: (delta: number) => void;
  /** Attempts after a connection drops without a byte received (reset whenever bytes arrive); huggingface_hub: 5. */
  retries?: number;
  retryDelayMs?: number;
  /** Abort an attempt that receives nothing for this long. */
  stallMs?: number;
}

export interface BlobDownloadResult {
  bytes: number;
  /** Bytes found in `.incomplete` and kept. */
  resumedFrom: number;
}

const DEFAULT_RETRIES = 5;
const DEFAULT_RETRY_DELAY_MS = 1000;
const DEFAULT_STALL_MS = 30_000;

function newHash(expected: ExpectedContent): Hash | undefined {
  if (!expected.digest) return undefined;
  if (expected.digest.algorithm === 'sha256') return createHash('sha256');
  return createHash('sha1').update(`blob ${expected.size}\0`);
}

async function hashPrefix(path: string, bytes: number, hash: Hash | undefined): Promise<void> {
  if (!hash || bytes === 0) return;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1 })) hash.update(chunk as Buffer);
}

function diskError(error: unknown, label: string, path: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new HubError('DISK_FULL', `no space left on the disk of ${path} while writing ${label}; free some space (or set KGQA_CACHE_DIR) and run again: the download resumes where it stopped`);
  }
  return error as Error;
}

class WriteFailed extends Error {}

/** Appends all of `chunk`: a write on a filling disk may take only part of it before failing. */
async function appendAll(handle: FileHandle, chunk: Uint8Array, hash: Hash | undefined): Promise<void> {
  let done = 0;
  while (done < chunk.length) {
    let written: number;
    try {
      ({ bytesWritten: written } = await handle.write(chunk, done, chunk.length - done));
    } catch (error) {
      throw new WriteFailed('write failed', { cause: error });
    }
    hash?.update(chunk.subarray(done, done + written));
    done += written;
  }
}

export async function downloadBlob(download: BlobDownload): Promise<BlobDownloadResult> {
  const { expected, incompletePath, repo, file } = download;
  const label = `${repo}/${file}`;
  const retries = download.retries ?? DEFAULT_RETRIES;
  const onBytes = download.onBytes ?? (() => {});
  const mismatch = (what: string) =>
    new HubError('VERIFY_FAILED', `${label} from ${new URL(download.location.url).host} ${what}; it was discarded and nothing was used: run again`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(incompletePath, 'a');
    let offset = (await handle.stat()).size;
    if (offset > expected.size) {
      await handle.truncate(0);
      offset = 0;
    }
    const resumedFrom = offset;
    let hash = newHash(expected);
    await hashPrefix(incompletePath, offset, hash);
    onBytes(offset);
    let retriesLeft = retries;
    while (offset < expected.size) {
      const controller = new AbortController();
      let stall: NodeJS.Timeout | undefined;
      const armStall = () => {
        clearTimeout(stall);
        stall = setTimeout(() => controller.abort(new Error(`no data for ${(download.stallMs ?? DEFAULT_STALL_MS) / 1000} s`)), download.stallMs ?? DEFAULT_STALL_MS);
      };
      let received = 0;
      try {
        armStall();
        const response = await download.api.getFile(download.location, offset, controller.signal);
        if (response.status === 200 && offset > 0) {
          // The server ignored Range: start over rather than append the file to its own beginning.
          await handle.truncate(0);
          onBytes(-offset);
          offset = 0;
          hash = newHash(expected);
        } else if (response.status !== 200 && response.status !== 206) {
          throw await download.api.responseError(response, repo, download.location.commit, file);
        }
        const length = Number(response.headers.get('content-length') ?? NaN);
        const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
        if (response.status === 206 && (!range || Number(range[1]) !== offset || Number(range[2]) !== expected.size)) {
          throw mismatch(`came back as range "${response.headers.get('content-range')}" for bytes ${offset}- of ${expected.size}`);
        }
        if (Number.isFinite(length) && length !== expected.size - offset) {
          throw mismatch(`is ${formatBytes(offset + length)} (${offset + length} bytes), the Hub lists ${expected.size} bytes`);
        }
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          armStall();
          if (offset + chunk.length > expected.size) throw mismatch(`is longer than the ${expected.size} bytes the Hub lists`);
          await appendAll(handle, chunk, hash);
          offset += chunk.length;
          received += chunk.length;
          onBytes(chunk.length);
        }
        if (offset < expected.size) throw mismatch(`ended at ${offset} bytes, the Hub lists ${expected.size}`);
      } catch (error) {
        if (error instanceof HubError) throw error;
        if (error instanceof WriteFailed) throw diskError(error.cause, label, incompletePath);
        // The connection dropped: resume from what is on disk, as long as attempts keep bringing bytes.
        if (received > 0) retriesLeft = retries;
        if (retriesLeft-- <= 0) {
          throw new HubError(
            'DOWNLOAD_INTERRUPTED',
            `download of ${label} stopped at ${formatBytes(offset)} of ${formatBytes(expected.size)} (${networkReason(error)}); run again to resume it`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, download.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS));
      } finally {
        clearTimeout(stall);
      }
    }
    if (hash && hash.digest('hex') !== expected.digest!.hex) {
      await handle.close();
      handle = undefined;
      await rm(incompletePath, { force: true });
      throw mismatch(`does not match its ${expected.digest!.algorithm} ${expected.digest!.hex}`);
    }
    // On disk before it takes the blob's name: a crash right after must not leave a renamed, unwritten file.
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(incompletePath, download.blobPath);
    return { bytes: expected.size, resumedFrom };
  } catch (error) {
    if (error instanceof HubError && error.code === 'VERIFY_FAILED') await rm(incompletePath, { force: true });
    throw diskError(error, label, incompletePath);
  } finally {
    await handle?.close();
  }
}
