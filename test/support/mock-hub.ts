/**
 * A local Hugging Face Hub for tests and benches: a real HTTP server speaking the Hub's protocol as
 * huggingface_hub and transformers.js meet it, serving repositories from folders (one folder per commit).
 *
 * - `GET /api/models/{owner}/{name}/revision/{rev}[?blobs=true]`: the commit sha and `siblings` (with
 *   `blobs=true`: size, git `blobId`, `lfs: { sha256, size, pointerSize }`);
 * - `HEAD|GET /{owner}/{name}/resolve/{rev}/{file}`: `X-Repo-Commit`; files kept in git are served with their
 *   git blob id as `ETag`; LFS files (*.onnx, *.safetensors, ...) answer 302 to a CDN on another origin, with
 *   `X-Linked-Etag` (sha256) and `X-Linked-Size`;
 * - the CDN serves `Range` requests (206) and, like a signed S3 URL, refuses requests carrying a token;
 * - errors as the Hub gives them (`X-Error-Code`): 401 RepoNotFound for an unknown repo without token (404 with
 *   one), 401/403 GatedRepo, 404 RevisionNotFound / EntryNotFound, 401 for an unknown token;
 * - faults: a connection cut mid-file, a file whose size differs from the listing, a corrupted byte, a pause mid-file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

export interface MockRepo {
  /** `owner/name` */
  id: string;
  /** Commits, oldest first; `main` is the last. Each is a folder holding the repository's files at that commit. */
  commits: { dir: string; tags?: string[] }[];
  /** Files need a token with access: 401 GatedRepo without one, 403 with a token in `deniedTokens`. */
  gated?: boolean;
}

export interface MockHubOptions {
  repos: MockRepo[];
  /** Tokens the Hub knows (any other is refused with 401); each has access to gated repos unless denied. */
  tokens?: string[];
  deniedTokens?: string[];
}

interface FaultTarget {
  repo: string;
  file: string;
}

export interface MockHubFaults {
  /** Cut the connection when the file's bytes reach each of these offsets, once each. */
  cut?: FaultTarget & { at: number[] };
  /** Serve the file `delta` bytes shorter (< 0) or longer (> 0) than the listing and headers say, Content-Length matching the body. */
  wrongSize?: FaultTarget & { delta: number };
  /** Serve the file with its first byte changed: right size, wrong content. */
  corrupt?: FaultTarget;
  /** Send `afterBytes` of the file, call `reached`, and send the rest once `release` settles. */
  pause?: FaultTarget & { afterBytes: number; reached: () => void; release: Promise<void> };
}

export interface HubRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range?: string;
  authorization: boolean;
}

interface MockFile {
  path: string;
  diskPath: string;
  size: number;
  sha256: string;
  /** Git object id of what git stores: the content, or the LFS pointer. */
  blobId: string;
  lfs?: { pointerSize: number };
}

interface MockCommit {
  sha: string;
  files: Map<string, MockFile>;
}

interface RepoState {
  spec: MockRepo;
  commits: MockCommit[];
  refs: Map<string, MockCommit>;
}

/** What the Hub's .gitattributes send to LFS. */
const LFS_FILE = /\.(onnx|onnx_data|safetensors|bin|h5|msgpack|model|ot)$/;

function gitBlobId(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

async function hashFile(path: string): Promise<{ sha256: string; sha1: string }> {
  const sha256 = createHash('sha256');
  const size = statSync(path).size;
  const sha1 = createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path)) {
    sha256.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), sha1: sha1.digest('hex') };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : [],
  );
}

async function loadCommit(repo: string, index: number, dir: string): Promise<MockCommit> {
  const files = new Map<string, MockFile>();
  for (const diskPath of walk(dir).sort()) {
    const path = relative(dir, diskPath).split(sep).join('/');
    const size = statSync(diskPath).size;
    const { sha256, sha1 } = await hashFile(diskPath);
    if (LFS_FILE.test(path)) {
      const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
      files.set(path, { path, diskPath, size, sha256, blobId: gitBlobId(pointer), lfs: { pointerSize: pointer.length } });
    } else {
      files.set(path, { path, diskPath, size, sha256, blobId: sha1 });
    }
  }
  const tree = [...files.values()].map((file) => `${file.path} ${file.blobId}`).join('\n');
  const sha = createHash('sha1').update(`${repo}\n${index}\n${tree}`).digest('hex');
  return { sha, files };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export class MockHub {
  readonly requests: HubRequest[] = [];
  faults: MockHubFaults = {};
  private readonly repos = new Map<string, RepoState>();
  private readonly tokens: Set<string>;
  private readonly deniedTokens: Set<string>;

  private constructor(
    private readonly hubServer: Server,
    private readonly cdnServer: Server,
    options: MockHubOptions,
  ) {
    this.tokens = new Set(options.tokens ?? []);
    this.deniedTokens = new Set(options.deniedTokens ?? []);
  }

  url = '';
  cdnUrl = '';

  static async start(options: MockHubOptions): Promise<MockHub> {
    const hub: MockHub = new MockHub(
      createServer((req, res) => hub.handleHub(req, res).catch((error) => hub.fail(res, error))),
      createServer((req, res) => hub.handleCdn(req, res).catch((error) => hub.fail(res, error))),
      options,
    );
    for (const spec of options.repos) {
      const commits = await Promise.all(spec.commits.map((commit, index) => loadCommit(spec.id, index, commit.dir)));
      const refs = new Map<string, MockCommit>([['main', commits[commits.length - 1]]]);
      spec.commits.forEach((commit, index) => commit.tags?.forEach((tag) => refs.set(tag, commits[index])));
      hub.repos.set(spec.id, { spec, commits, refs });
    }
    hub.url = await listen(hub.hubServer);
    hub.cdnUrl = await listen(hub.cdnServer);
    return hub;
  }

  /** The sha of a repository's commit (oldest first; the last by default, i.e. `main`). */
  commit(repo: string, index = -1): string {
    const commits = this.repos.get(repo)!.commits;
    return commits.at(index)!.sha;
  }

  /** Size, sha256 and git blob id of a file at a commit (the last by default). */
  file(repo: string, path: string, index = -1): MockFile {
    return this.repos.get(repo)!.commits.at(index)!.files.get(path)!;
  }

  async stop(): Promise<void> {
    await Promise.all([closeServer(this.hubServer), closeServer(this.cdnServer)]);
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (!res.headersSent) res.writeHead(500).end(String(error));
    else res.destroy();
  }

  private log(server: 'hub' | 'cdn', req: IncomingMessage): void {
    this.requests.push({ server, method: req.method ?? 'GET', path: req.url ?? '/', range: req.headers.range, authorization: req.headers.authorization !== undefined });
  }

  private static error(res: ServerResponse, status: number, code: string | undefined, message: string, commit?: string): void {
    const body = JSON.stringify({ error: message });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(code ? { 'x-error-code': code } : {}),
      'x-error-message': message,
      ...(commit ? { 'x-repo-commit': commit } : {}),
    });
    res.end(body);
  }

  /** undefined when the request may read `repo`; otherwise the error has been sent. */
  private checkAccess(req: IncomingMessage, res: ServerResponse, repoId: string, files: boolean): RepoState | undefined {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    if (token !== undefined && !this.tokens.has(token)) {
      MockHub.error(res, 401, undefined, 'Invalid credentials in Authorization header');
      return undefined;
    }
    const repo = this.repos.get(repoId);
    if (!repo) {
      // The Hub does not tell anonymous callers whether a repository exists.
      if (token === undefined) MockHub.error(res, 401, 'RepoNotFound', 'Invalid username or password.');
      else MockHub.error(res, 404, 'RepoNotFound', 'Repository not found');
      return undefined;
    }
    if (files && repo.spec.gated && (token === undefined || this.deniedTokens.has(token))) {
      if (token === undefined) {
        MockHub.error(res, 401, 'GatedRepo', `Access to model ${repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.`);
      } else {
        MockHub.error(res, 403, 'GatedRepo', `Access to model ${repoId} is restricted and you are not in the authorized list. Visit ${this.url}/${repoId} to ask for access.`);
      }
      return undefined;
    }
    return repo;
  }

  private static revision(repo: RepoState, revision: string): MockCommit | undefined {
    return repo.refs.get(revision) ?? repo.commits.find((commit) => commit.sha === revision);
  }

  private async handleHub(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.log('hub', req);
    const url = new URL(req.url ?? '/', this.url);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (api && req.method === 'GET') {
      const repo = this.checkAccess(req, res, api[1], false);
      if (!repo) return;
      const revision = decodeURIComponent(api[2]);
      const commit = MockHub.revision(repo, revision);
      if (!commit) return MockHub.error(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
      const blobs = url.searchParams.get('blobs') === 'true';
      const siblings = [...commit.files.values()].map((file) =>
        blobs
          ? { rfilename: file.path, size: file.size, blobId: file.blobId, ...(file.lfs ? { lfs: { sha256: file.sha256, size: file.size, pointerSize: file.lfs.pointerSize } } : {}) }
          : { rfilename: file.path },
      );
      const body = JSON.stringify({ _id: repo.spec.id, id: repo.spec.id, modelId: repo.spec.id, sha: commit.sha, private: false, gated: repo.spec.gated ? 'manual' : false, disabled: false, pipeline_tag: 'question-answering', siblings });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve && (req.method === 'GET' || req.method === 'HEAD')) {
      const repo = this.checkAccess(req, res, resolve[1], true);
      if (!repo) return;
      const revision = decodeURIComponent(resolve[2]);
      const commit = MockHub.revision(repo, revision);
      if (!commit) return MockHub.error(res, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
      const path = resolve[3].split('/').map(decodeURIComponent).join('/');
      const file = commit.files.get(path);
      if (!file) return MockHub.error(res, 404, 'EntryNotFound', `${path} does not exist on "${revision}"`, commit.sha);
      const common = { 'x-repo-commit': commit.sha, 'access-control-expose-headers': 'X-Repo-Commit,X-Linked-Etag,X-Linked-Size,ETag' };
      if (file.lfs) {
        const location = `${this.cdnUrl}/repos/${repo.spec.id.replace('/', '--')}/${file.sha256}?X-Amz-Signature=mock&file=${encodeURIComponent(path)}`;
        const body = `Found. Redirecting to ${location}`;
        res.writeHead(302, {
          ...common,
          location,
          etag: `"${file.blobId}"`,
          'x-linked-etag': `"${file.sha256}"`,
          'x-linked-size': String(file.size),
          'content-length': Buffer.byteLength(body),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      await this.sendFile(req, res, repo.spec.id, file, { ...common, etag: `"${file.blobId}"` });
      return;
    }
    MockHub.error(res, 404, undefined, 'Not Found');
  }

  private async handleCdn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.log('cdn', req);
    const url = new URL(req.url ?? '/', this.cdnUrl);
    const match = /^\/repos\/([^/]+)\/([0-9a-f]{64})$/.exec(url.pathname);
    const repo = match && this.repos.get(match[1].replace('--', '/'));
    const path = url.searchParams.get('file') ?? '';
    const file = repo?.commits.map((commit) => commit.files.get(path)).find((candidate) => candidate?.sha256 === match?.[2]);
    if (!repo || !file) return void res.writeHead(404).end('NoSuchKey');
    // A signed URL carries its own authorization; S3 refuses a second one.
    if (req.headers.authorization) return void res.writeHead(400).end('Only one auth mechanism allowed');
    await this.sendFile(req, res, repo.spec.id, file, { etag: `"${file.sha256}"` });
  }

  private matches(target: FaultTarget | undefined, repo: string, file: MockFile): boolean {
    return target !== undefined && target.repo === repo && target.file === file.path;
  }

  /** The file's bytes (or the part a Range asks for), with whichever fault applies to it. */
  private async sendFile(req: IncomingMessage, res: ServerResponse, repo: string, file: MockFile, headers: Record<string, string>): Promise<void> {
    const wrong = this.matches(this.faults.wrongSize, repo, file) ? this.faults.wrongSize!.delta : 0;
    const length = file.size + wrong;
    let start = 0;
    let end = length; // exclusive
    let status = 200;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]) + 1, length) : length;
      if (start >= length || start >= end) {
        res.writeHead(416, { 'content-range': `bytes */${length}` }).end();
        return;
      }
      status = 206;
    }
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      'content-length': String(end - start),
      ...(status === 206 ? { 'content-range': `bytes ${start}-${end - 1}/${length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    const cuts = this.matches(this.faults.cut, repo, file) ? this.faults.cut!.at : [];
    const cutAt = cuts.find((offset) => offset > start && offset < end);
    if (cutAt !== undefined) cuts.splice(cuts.indexOf(cutAt), 1);
    const pause = this.matches(this.faults.pause, repo, file) && this.faults.pause!.afterBytes > start ? this.faults.pause! : undefined;
    const stopAt = cutAt ?? end;
    const contentEnd = Math.min(stopAt, file.size);
    const corrupt = this.matches(this.faults.corrupt, repo, file);
    let sent = start;
    if (contentEnd > start) {
      for await (const chunk of createReadStream(file.diskPath, { start, end: contentEnd - 1 })) {
        let bytes = chunk as Buffer;
        if (corrupt && sent === 0) bytes[0] ^= 0xff;
        if (pause && sent < pause.afterBytes && sent + bytes.length >= pause.afterBytes) {
          const head = pause.afterBytes - sent;
          await write(res, bytes.subarray(0, head));
          sent += head;
          bytes = bytes.subarray(head);
          pause.reached();
          await pause.release;
        }
        await write(res, bytes);
        sent += bytes.length;
      }
    }
    // A file served too long ends with bytes that are not in it.
    if (stopAt > file.size) await write(res, Buffer.alloc(stopAt - Math.max(file.size, start)));
    if (cutAt !== undefined) res.socket?.destroy();
    else res.end();
  }
}

function write(res: ServerResponse, bytes: Buffer): Promise<void> {
  if (bytes.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    res.write(bytes, (error) => (error ? reject(error) : resolve()));
  });
}
