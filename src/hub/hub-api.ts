/**
 * The two Hub requests a model download needs, as huggingface_hub makes them:
 * - `GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true` (model_info with files_metadata):
 *   the commit the revision points to and every file with its size, git blob id and LFS sha256;
 * - `HEAD {endpoint}/{repo}/resolve/{commit}/{file}` (get_hf_file_metadata): `X-Repo-Commit`, the ETag that
 *   names the blob in the cache (`X-Linked-Etag` over `ETag`), the size (`X-Linked-Size` over
 *   `Content-Length`) and, for LFS files, a redirect to a CDN, which is then fetched without the token.
 */
import { HubError } from './hub-error.js';
import type { HubSettings } from './hub-settings.js';

export interface RepoFile {
  path: string;
  size: number;
  /** The git object id: sha1 of "blob <size>\0<content>" for files kept in git. */
  blobId?: string;
  /** sha256 of the content, for files kept in LFS. */
  lfsSha256?: string;
}

export interface RepoListing {
  commit: string;
  files: Map<string, RepoFile>;
}

export interface FileLocation {
  commit: string;
  /** Names the blob in the cache: the sha256 for LFS files, the git blob id otherwise. */
  etag: string;
  size: number;
  /** Where to GET it: the resolve URL, or the CDN it redirects to. */
  url: string;
  /** The token goes only to the Hub itself, never to a CDN (whose signed URLs refuse it anyway). */
  sendToken: boolean;
}

/** The Hub could not be reached at all (as opposed to answering with an error). */
export class HubUnreachable extends Error {}

const MAX_RELATIVE_REDIRECTS = 5;

/** `W/"abc"` and `"abc"` both name blob `abc`, as huggingface_hub's _normalize_etag has it. */
export function normalizeEtag(etag: string | null): string | undefined {
  if (!etag) return undefined;
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}

export function networkReason(error: unknown): string {
  const err = error as Error & { cause?: Error & { code?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  const cause = err.cause;
  return cause ? (cause.code && !cause.message.includes(cause.code) ? `${cause.code} ${cause.message}` : cause.message) : err.message;
}

export class HubApi {
  constructor(private readonly settings: HubSettings) {}

  private authHeaders(): Record<string, string> {
    return this.settings.token ? { authorization: `Bearer ${this.settings.token}` } : {};
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.settings.timeoutMs) });
    } catch (error) {
      throw new HubUnreachable(`cannot reach ${this.settings.endpoint} (${networkReason(error)})`);
    }
  }

  async listRepo(repo: string, revision: string): Promise<RepoListing> {
    const url = `${this.settings.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
    const response = await this.request(url, { headers: { accept: 'application/json', ...this.authHeaders() } });
    if (!response.ok) throw await this.responseError(response, repo, revision);
    const body = (await response.json().catch(() => undefined)) as
      | { sha?: unknown; siblings?: { rfilename: string; size?: number; blobId?: string; lfs?: { sha256: string; size: number } }[] }
      | undefined;
    if (!body || typeof body.sha !== 'string' || !Array.isArray(body.siblings)) {
      throw new HubError('HUB_UNAVAILABLE', `${this.settings.endpoint} does not answer like a Hugging Face Hub (no commit or file list for ${repo})`);
    }
    const files = new Map<string, RepoFile>();
    for (const sibling of body.siblings) {
      const size = sibling.lfs?.size ?? sibling.size;
      if (typeof size !== 'number') continue;
      files.set(sibling.rfilename, { path: sibling.rfilename, size, blobId: sibling.blobId, lfsSha256: sibling.lfs?.sha256 });
    }
    return { commit: body.sha, files };
  }

  async locateFile(repo: string, commit: string, file: string): Promise<FileLocation> {
    const path = file.split('/').map(encodeURIComponent).join('/');
    let url = `${this.settings.endpoint}/${repo}/resolve/${commit}/${path}`;
    // Compression would make sizes and byte ranges those of the compressed body.
    const headers = { 'accept-encoding': 'identity', ...this.authHeaders() };
    for (let hop = 0; ; hop++) {
      const response = await this.request(url, { method: 'HEAD', headers, redirect: 'manual' });
      const location = response.headers.get('location');
      const redirect = response.status >= 300 && response.status < 400 && location;
      // A relative redirect is the Hub itself (a renamed repository): follow it with the token.
      if (redirect && location.startsWith('/') && hop < MAX_RELATIVE_REDIRECTS) {
        url = new URL(location, url).href;
        continue;
      }
      if (!redirect && !response.ok) throw await this.responseError(response, repo, commit, file);
      const etag = normalizeEtag(response.headers.get('x-linked-etag') ?? response.headers.get('etag'));
      const size = Number(response.headers.get('x-linked-size') ?? (redirect ? NaN : response.headers.get('content-length')));
      const repoCommit = response.headers.get('x-repo-commit');
      if (!etag || !Number.isSafeInteger(size) || !repoCommit) {
        throw new HubError('HUB_UNAVAILABLE', `${url} lacks the Hub's headers (X-Repo-Commit, ETag, size): is ${this.settings.endpoint} a Hugging Face Hub?`);
      }
      const target = redirect ? new URL(location, url).href : url;
      return { commit: repoCommit, etag, size, url: target, sendToken: new URL(target).origin === new URL(this.settings.endpoint).origin };
    }
  }

  /** GET for a file's bytes, from `offset` on. */
  async getFile(location: FileLocation, offset: number, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...(location.sendToken ? this.authHeaders() : {}) };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    return fetch(location.url, { headers, signal });
  }

  /** The Hub's error, as one line: it says what happened in X-Error-Code (huggingface_hub's hf_raise_for_status). */
  async responseError(response: Response, repo: string, revision: string, file?: string): Promise<HubError> {
    const code = response.headers.get('x-error-code');
    const message = response.headers.get('x-error-message') ?? '';
    const page = `${this.settings.endpoint}/${repo}`;
    const hasToken = this.settings.token !== undefined;
    if (code === 'GatedRepo') {
      return new HubError(
        'GATED',
        hasToken
          ? `model ${repo} is gated and the token in HF_TOKEN has not been granted access: ask for it at ${page}`
          : `model ${repo} is gated: accept its conditions at ${page}, then set HF_TOKEN to an access token of that account`,
      );
    }
    if (code === 'RevisionNotFound') return new HubError('REVISION_NOT_FOUND', `model ${repo} has no revision "${revision}" (a branch, tag or commit sha)`);
    if (code === 'EntryNotFound') return new HubError('MISSING_FILES', `model ${repo}@${revision} has no file ${file ?? ''}`.trimEnd());
    if (response.status === 401 && message === 'Invalid credentials in Authorization header') {
      return new HubError('GATED', `${this.settings.endpoint} refused the token in HF_TOKEN (invalid credentials)`);
    }
    // The Hub answers 401, not 404, for a repository that does not exist when no token is sent.
    if (code === 'RepoNotFound' || response.status === 401 || response.status === 404) {
      const hint = hasToken ? '' : ' (if it is private, set HF_TOKEN)';
      return new HubError('REPO_NOT_FOUND', `model ${repo}: no such repository on ${this.settings.endpoint}${hint}`);
    }
    if (response.status === 403) return new HubError('GATED', `${this.settings.endpoint} refuses access to ${repo} (403 ${message || 'Forbidden'})`);
    return new HubError('HUB_UNAVAILABLE', `${this.settings.endpoint} answered ${response.status} ${response.statusText} for ${repo}${file ? `/${file}` : ''}`);
  }
}
