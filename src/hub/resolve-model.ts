/**
 * Turns a `--model` value into a folder the reader can load: a local folder as it is, or a Hub repository
 * (`owner/name[@revision]`) downloaded into the huggingface_hub cache, reusing whatever is there already and
 * working from the cache alone when the Hub cannot be reached.
 */
import { existsSync } from 'node:fs';
import { mkdir, stat, statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatBytes } from '../format-bytes.js';
import { downloadBlob } from './download-blob.js';
import type { DownloadProgress } from './download-progress.js';
import { COMMIT_SHA, RepoCache, withFileLock } from './hub-cache.js';
import { HubApi, HubUnreachable, type RepoFile, type RepoListing } from './hub-api.js';
import { HubError } from './hub-error.js';
import { hubSettingsFromEnv, type HubSettings } from './hub-settings.js';
import { candidateFiles, chooseModelFiles, describeMissing, ONNX_CANDIDATES, type WeightsVariant } from './model-files.js';
import { formatModelSpec, parseModelSpec } from './model-spec.js';

export interface ResolveModelOptions {
  variant?: WeightsVariant;
  settings?: HubSettings;
  progress?: DownloadProgress;
  /** One-line notices, e.g. that the cached copy is used because the Hub did not answer. */
  notice?: (line: string) => void;
  /** Passed to each file's download (see BlobDownload). */
  retries?: number;
  retryDelayMs?: number;
  stallMs?: number;
}

export interface HubOrigin {
  repo: string;
  /** As asked: a branch, tag or commit. */
  revision: string;
  /** The commit whose files are in `dir`. */
  commit: string;
  /** Files of the snapshot kgqa uses, relative to `dir`. */
  files: string[];
  downloadedBytes: number;
  /** True when the files came from the cache without the Hub's word on the revision (offline, unreachable, pinned commit). */
  cacheOnly: boolean;
}

export interface ResolvedModel {
  /** The folder to load: the user's, or a snapshot in the Hub cache. */
  dir: string;
  /** For messages: the folder, or `owner/name[@revision]`. */
  name: string;
  /** The weights, relative to `dir`. */
  onnxFile: string;
  /** Set when the model came from the Hub. */
  hub?: HubOrigin;
}

function folderModel(path: string, variant: WeightsVariant): ResolvedModel {
  const dir = resolve(path);
  const onnxFile = ONNX_CANDIDATES[variant].find((file) => existsSync(join(dir, file))) ?? ONNX_CANDIDATES[variant][0];
  return { dir, name: path, onnxFile };
}

export async function resolveModel(value: string, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  const variant = options.variant ?? 'fp32';
  // A folder that exists is a folder, even when spelled like a Hub id.
  if (existsSync(value)) return folderModel(value, variant);
  const spec = parseModelSpec(value);
  if (spec.kind === 'folder') return folderModel(spec.path, variant);
  const settings = options.settings ?? hubSettingsFromEnv();
  return new HubModelResolver(settings, spec.repo, spec.revision, variant, options).resolve();
}

class HubModelResolver {
  private readonly cache: RepoCache;
  private readonly api: HubApi;
  private readonly name: string;

  constructor(
    private readonly settings: HubSettings,
    private readonly repo: string,
    private readonly revision: string,
    private readonly variant: WeightsVariant,
    private readonly options: ResolveModelOptions,
  ) {
    this.cache = new RepoCache(settings.cacheDir, repo);
    this.api = new HubApi(settings);
    this.name = formatModelSpec(repo, revision);
  }

  async resolve(): Promise<ResolvedModel> {
    // A commit never changes: when its snapshot is complete, the Hub has nothing to add (hf_hub_download does the same).
    if (COMMIT_SHA.test(this.revision)) {
      const cached = await this.fromCache();
      if (cached) return cached;
    }
    if (this.settings.offline) {
      const cached = await this.fromCache();
      if (cached) return cached;
      throw new HubError('OFFLINE', `model ${this.name}: HF_HUB_OFFLINE is set and no complete copy is cached in ${this.settings.cacheDir}`);
    }
    let listing: RepoListing;
    try {
      listing = await this.api.listRepo(this.repo, this.revision);
    } catch (error) {
      // Like huggingface_hub: when the Hub is unreachable or refuses (expired token, outage), a cached copy serves.
      if (error instanceof HubError && error.code === 'REVISION_NOT_FOUND') throw error;
      const cached = await this.fromCache();
      if (cached) {
        this.options.notice?.(`kgqa: ${(error as Error).message}; using the cached copy of ${this.name} (commit ${cached.hub!.commit.slice(0, 7)})`);
        return cached;
      }
      if (error instanceof HubUnreachable) {
        throw new HubError('OFFLINE', `model ${this.name}: ${error.message} and no complete copy is cached in ${this.settings.cacheDir}`);
      }
      throw error;
    }
    return this.download(listing);
  }

  private async fromCache(): Promise<ResolvedModel | undefined> {
    const commit = await this.cache.readRef(this.revision);
    if (!commit) return undefined;
    const present = new Set<string>();
    for (const file of candidateFiles(this.variant)) {
      if ((await this.cache.fileSize(commit, file)) !== undefined) present.add(file);
    }
    const choice = chooseModelFiles(present, this.variant);
    if (!choice.ok) return undefined;
    return this.result(commit, choice.files, choice.onnxFile, 0, true);
  }

  private result(commit: string, files: string[], onnxFile: string, downloadedBytes: number, cacheOnly: boolean): ResolvedModel {
    return {
      dir: this.cache.snapshotDir(commit),
      name: this.name,
      onnxFile,
      hub: { repo: this.repo, revision: this.revision, commit, files, downloadedBytes, cacheOnly },
    };
  }

  private async download(listing: RepoListing): Promise<ResolvedModel> {
    const choice = chooseModelFiles(new Set(listing.files.keys()), this.variant);
    if (!choice.ok) {
      throw new HubError(choice.missingOnnx ? 'MISSING_ONNX' : 'MISSING_FILES', describeMissing(this.name, this.repo, choice, listing.files.keys(), this.variant));
    }
    const { commit } = listing;
    const wanted = choice.files.map((file) => listing.files.get(file)!);
    const todo: RepoFile[] = [];
    for (const file of wanted) {
      if ((await this.cache.fileSize(commit, file.path)) !== file.size) todo.push(file);
    }
    let downloadedBytes = 0;
    if (todo.length > 0) {
      await this.checkFreeSpace(todo);
      const progress = this.options.progress;
      progress?.start(todo.reduce((sum, file) => sum + file.size, 0));
      try {
        for (const file of todo) downloadedBytes += await this.fetchFile(commit, file);
      } finally {
        progress?.stop();
      }
    }
    await this.cache.writeRef(this.revision, commit);
    return this.result(commit, choice.files, choice.onnxFile, downloadedBytes, false);
  }

  /** Fails before the first byte when the files cannot fit (huggingface_hub only warns, then fills the disk). */
  private async checkFreeSpace(todo: RepoFile[]): Promise<void> {
    const blobs = join(this.cache.folder, 'blobs');
    try {
      await mkdir(blobs, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw this.diskFull(0, 0);
      throw error;
    }
    let needed = 0;
    for (const file of todo) {
      const etag = file.lfsSha256 ?? file.blobId;
      const have = etag ? ((await stat(this.cache.blobPath(etag)).catch(() => undefined)) ?? (await stat(this.cache.incompletePath(etag)).catch(() => undefined)))?.size : 0;
      needed += Math.max(0, file.size - (have ?? 0));
    }
    const disk = await statfs(blobs);
    const free = disk.bavail * disk.bsize;
    if (free < needed) throw this.diskFull(needed, free);
  }

  private diskFull(needed: number, free: number): HubError {
    const sizes = needed > 0 ? ` (needs ${formatBytes(needed)}, ${formatBytes(free)} free)` : '';
    return new HubError('DISK_FULL', `model ${this.name}: not enough space in ${this.settings.cacheDir}${sizes}; free some space or set KGQA_CACHE_DIR`);
  }

  /** Downloads one file into blobs/ (unless another run already did) and links it into the snapshot; returns bytes fetched. */
  private async fetchFile(commit: string, file: RepoFile): Promise<number> {
    let location;
    try {
      location = await this.api.locateFile(this.repo, commit, file.path);
    } catch (error) {
      if (error instanceof HubUnreachable) throw new HubError('DOWNLOAD_INTERRUPTED', `model ${this.name}: lost the Hub while fetching ${file.path}: ${error.message}; run again`);
      throw error;
    }
    if (location.commit !== commit || location.size !== file.size || (file.lfsSha256 && location.etag !== file.lfsSha256)) {
      throw new HubError(
        'VERIFY_FAILED',
        `model ${this.name}: the Hub describes ${file.path} two ways (listing: commit ${commit.slice(0, 7)}, ${file.size} bytes; file: commit ${location.commit.slice(0, 7)}, ${location.size} bytes); nothing was used: run again`,
      );
    }
    const { etag } = location;
    const blobPath = this.cache.blobPath(etag);
    let fetched = 0;
    await withFileLock(this.cache.lockPath(etag), async () => {
      // Another process may have finished it while we waited for the lock.
      if ((await stat(blobPath).catch(() => undefined))?.size === file.size) {
        this.options.progress?.advance(file.size, file.path);
        return;
      }
      const result = await downloadBlob({
        api: this.api,
        location,
        repo: this.repo,
        file: file.path,
        expected: {
          size: file.size,
          digest: file.lfsSha256
            ? { algorithm: 'sha256', hex: file.lfsSha256 }
            : file.blobId
              ? { algorithm: 'git-sha1', hex: file.blobId }
              : undefined,
        },
        incompletePath: this.cache.incompletePath(etag),
        blobPath,
        onBytes: (delta) => this.options.progress?.advance(delta, file.path),
        retries: this.options.retries,
        retryDelayMs: this.options.retryDelayMs,
        stallMs: this.options.stallMs,
      });
      fetched = result.bytes - result.resumedFrom;
    });
    await this.cache.linkPointer(commit, file.path, etag);
    return fetched;
  }
}
