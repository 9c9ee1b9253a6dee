import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalProgress, type DownloadProgress } from '../src/hub/download-progress.js';
import { HubError } from '../src/hub/hub-error.js';
import { resolveModel, type ResolveModelOptions } from '../src/hub/resolve-model.js';
import { formatBytes } from '../src/format-bytes.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { generatedRepo, hubSettings, pytorchOnlyRepo, rootOnnxRepo } from './support/hub-repos.js';
import { MockHub } from './support/mock-hub.js';

const REPO = 'kgqa-test/tiny-qa';
const GATED = 'kgqa-test/gated-qa';
const NO_ONNX = 'kgqa-test/pytorch-only-qa';
const ROOT_ONNX = 'kgqa-test/root-onnx-qa';
const TOKEN = 'hf_granted';
const DENIED = 'hf_not_granted';
/** Files a model with tokenizer.json needs; vocab.txt is not fetched beside it. */
const FP32_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx'];

let hub: MockHub;
let v1Dir: string;
let mainDir: string;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** Quick retries: the tests cut connections on purpose. */
const fast: ResolveModelOptions = { retryDelayMs: 10 };

async function hubError(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  expect((error as HubError).message).not.toContain('\n');
  return error as HubError;
}

beforeAll(async () => {
  v1Dir = generatedRepo(7);
  mainDir = generatedRepo(42);
  hub = await MockHub.start({
    repos: [
      { id: REPO, commits: [{ dir: v1Dir, tags: ['v1'] }, { dir: mainDir }] },
      { id: GATED, commits: [{ dir: mainDir }], gated: true },
      { id: NO_ONNX, commits: [{ dir: pytorchOnlyRepo(mainDir) }] },
      { id: ROOT_ONNX, commits: [{ dir: rootOnnxRepo(mainDir) }] },
    ],
    tokens: [TOKEN, DENIED],
    deniedTokens: [DENIED],
  });
});

afterAll(async () => {
  await hub?.stop();
});

describe('resolving --model owner/name from a Hub', () => {
  it('downloads into the huggingface_hub cache layout, verified, and the reader loads it', async () => {
    const settings = hubSettings(hub, { token: TOKEN });
    const model = await resolveModel(REPO, { ...fast, settings });
    const commit = hub.commit(REPO);
    const folder = join(settings.cacheDir, 'models--kgqa-test--tiny-qa');
    expect(model.dir).toBe(join(folder, 'snapshots', commit));
    expect(model.onnxFile).toBe('onnx/model.onnx');
    expect(model.hub).toMatchObject({ repo: REPO, revision: 'main', commit, cacheOnly: false });
    expect(model.hub!.files.sort()).toEqual([...FP32_FILES].sort());
    expect(readFileSync(join(folder, 'refs', 'main'), 'utf8')).toBe(commit);
    for (const file of FP32_FILES) {
      const pointer = join(model.dir, file);
      const { sha256: lfsSha, blobId, lfs } = hub.file(REPO, file);
      // Snapshot entries are relative symlinks to blobs named by the Hub's ETag, exactly as huggingface_hub makes them.
      expect(lstatSync(pointer).isSymbolicLink(), file).toBe(true);
      expect(readlinkSync(pointer), file).toBe(join(...file.split('/').slice(1).map(() => '..'), '..', '..', 'blobs', lfs ? lfsSha : blobId));
      expect(sha256(pointer), file).toBe(sha256(join(mainDir, file)));
    }
    expect(existsSync(join(model.dir, 'vocab.txt'))).toBe(false);
    expect(model.hub!.downloadedBytes).toBe(FP32_FILES.reduce((sum, file) => sum + statSync(join(mainDir, file)).size, 0));
    // The token goes to the Hub; the CDN's signed URL gets none.
    const cdn = hub.requests.filter((request) => request.server === 'cdn');
    expect(cdn.map((request) => request.path)).toEqual([expect.stringContaining(hub.file(REPO, 'onnx/model.onnx').sha256)]);
    expect(cdn.every((request) => !request.authorization)).toBe(true);
    expect(hub.requests.filter((request) => request.server === 'hub').every((request) => request.authorization)).toBe(true);

    const reader = await loadQaReader(model.dir, { intraOpThreads: 1 });
    try {
      const { tokenizer } = reader;
      const sentence = 'The spike protein binds the ACE2 receptor.';
      const [span] = await reader.read([{ question: tokenizer.tokenize('What binds the receptor?'), sentence: tokenizer.tokenize(sentence) }]);
      expect(span!.end).toBeGreaterThan(span!.start);
      expect(span!.end).toBeLessThanOrEqual(sentence.length);
    } finally {
      await reader.close();
    }

    // Resolving again asks the Hub which commit main is, and downloads nothing.
    const before = hub.requests.length;
    const again = await resolveModel(REPO, { ...fast, settings });
    expect(again.dir).toBe(model.dir);
    expect(again.hub!.downloadedBytes).toBe(0);
    expect(hub.requests.slice(before).map((request) => `${request.method} ${request.path.split('?')[0]}`)).toEqual([
      `GET /api/models/${REPO}/revision/main`,
    ]);
  });

  it('pins revisions: a tag, a commit sha and main give their own commit, and a cached commit needs no request', async () => {
    const settings = hubSettings(hub);
    const v1 = hub.commit(REPO, 0);
    const tagged = await resolveModel(`${REPO}@v1`, { ...fast, settings });
    expect(tagged.hub!.commit).toBe(v1);
    expect(sha256(join(tagged.dir, 'onnx/model.onnx'))).toBe(sha256(join(v1Dir, 'onnx/model.onnx')));
    expect(readFileSync(join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'refs', 'v1'), 'utf8')).toBe(v1);
    const main = await resolveModel(REPO, { ...fast, settings });
    expect(main.hub!.commit).toBe(hub.commit(REPO));
    expect(sha256(join(main.dir, 'onnx/model.onnx'))).toBe(sha256(join(mainDir, 'onnx/model.onnx')));
    // Same tokenizer at both commits: one blob serves both snapshots.
    expect(realpathSync(join(main.dir, 'tokenizer.json'))).toBe(realpathSync(join(tagged.dir, 'tokenizer.json')));

    const before = hub.requests.length;
    const pinned = await resolveModel(`${REPO}@${v1}`, { ...fast, settings });
    expect(pinned.dir).toBe(tagged.dir);
    expect(pinned.hub!.cacheOnly).toBe(true);
    expect(hub.requests.length).toBe(before);
  });

  it('fetches the int8 weights for --variant int8, and a root model.onnx with a vocab.txt', async () => {
    const settings = hubSettings(hub);
    const int8 = await resolveModel(REPO, { ...fast, settings, variant: 'int8' });
    expect(int8.onnxFile).toBe('onnx/model_quantized.onnx');
    expect(existsSync(join(int8.dir, 'onnx/model.onnx'))).toBe(false);
    expect(sha256(join(int8.dir, int8.onnxFile))).toBe(sha256(join(mainDir, 'onnx/model_quantized.onnx')));

    const root = await resolveModel(ROOT_ONNX, { ...fast, settings });
    expect(root.onnxFile).toBe('model.onnx');
    expect(root.hub!.files.sort()).toEqual(['config.json', 'model.onnx', 'tokenizer_config.json', 'vocab.txt']);
  });

  it('reports progress in bytes, with a bar only on a terminal', async () => {
    const events: string[] = [];
    let done = 0;
    const progress: DownloadProgress = {
      start: (total) => events.push(`start ${total}`),
      advance: (delta) => (done += delta),
      stop: () => events.push(`stop ${done}`),
    };
    const total = FP32_FILES.reduce((sum, file) => sum + hub.file(REPO, file).size, 0);
    await resolveModel(REPO, { ...fast, settings: hubSettings(hub), progress });
    expect(events).toEqual([`start ${total}`, `stop ${total}`]);

    const pipe = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    expect(terminalProgress('model', pipe)).toBeUndefined();
    let drawn = '';
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 120 }) as unknown as NodeJS.WriteStream;
    terminal.on('data', (chunk) => (drawn += chunk));
    await resolveModel(REPO, { ...fast, settings: hubSettings(hub), progress: terminalProgress('model', terminal) });
    expect(drawn).toContain(`100% ${formatBytes(total)} of ${formatBytes(total)} onnx/model.onnx`);
  });

  it('downloads a file once when two resolutions race for it', async () => {
    const settings = hubSettings(hub);
    const before = hub.requests.length;
    const [first, second] = await Promise.all([resolveModel(REPO, { ...fast, settings }), resolveModel(REPO, { ...fast, settings })]);
    expect(first.dir).toBe(second.dir);
    const gets = hub.requests.slice(before).filter((request) => request.server === 'cdn' && request.method === 'GET');
    expect(gets).toHaveLength(1);
    expect(sha256(join(first.dir, 'onnx/model.onnx'))).toBe(sha256(join(mainDir, 'onnx/model.onnx')));
  });
});

describe('interrupted and bad downloads', () => {
  const onnx = 'onnx/model.onnx';
  /**
   * How many of the bytes sent before a cut the download may lack: the cut resets the connection, and the last
   * read (up to 64 KiB) may still be in flight; what matters is that the file keeps what arrived and the next
   * request resumes exactly there.
   */
  const keptUpTo = (missing: number) => missing >= 0 && missing <= 64 * 1024;

  it('resumes with Range where a cut connection stopped, as long as each attempt brings bytes', async () => {
    const settings = hubSettings(hub);
    hub.faults = { cut: { repo: REPO, file: onnx, at: [2_000_000, 5_000_000] } };
    const before = hub.requests.length;
    try {
      // One retry would not survive two cuts if bytes received did not earn the retry back.
      const model = await resolveModel(REPO, { ...fast, settings, retries: 1 });
      expect(sha256(join(model.dir, onnx))).toBe(hub.file(REPO, onnx).sha256);
    } finally {
      hub.faults = {};
    }
    const gets = hub.requests.slice(before).filter((request) => request.server === 'cdn' && request.method === 'GET');
    expect(gets.map((request) => request.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/), expect.stringMatching(/^bytes=\d+-$/)]);
    const resumedAt = gets.slice(1).map((request) => Number(/\d+/.exec(request.range!)![0]));
    for (const [i, cut] of [2_000_000, 5_000_000].entries()) expect(cut - resumedAt[i]).toSatisfy(keptUpTo);
  });

  it('keeps the .incomplete file when it gives up, and the next run resumes it', async () => {
    const settings = hubSettings(hub);
    const afterBytes = 2_500_000;
    const { sha256: etag, size } = hub.file(REPO, onnx);
    const incomplete = join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'blobs', `${etag}.incomplete`);
    hub.faults = { cut: { repo: REPO, file: onnx, at: [afterBytes] } };
    const error = await hubError(resolveModel(REPO, { ...fast, settings, retries: 0 }));
    hub.faults = {};
    expect(error.code).toBe('DOWNLOAD_INTERRUPTED');
    expect(error.message).toMatch(new RegExp(`^download of ${REPO}/onnx/model.onnx stopped at 2.\\d MB of 8.2 MB \\(.+\\); run again to resume it$`));
    const kept = statSync(incomplete).size;
    expect(afterBytes - kept).toSatisfy(keptUpTo);
    expect(existsSync(join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'snapshots', hub.commit(REPO), onnx))).toBe(false);

    const before = hub.requests.length;
    const model = await resolveModel(REPO, { ...fast, settings });
    expect(hub.requests.slice(before).filter((request) => request.server === 'cdn').map((request) => request.range)).toEqual([`bytes=${kept}-`]);
    expect(model.hub!.downloadedBytes).toBe(size - kept);
    expect(sha256(join(model.dir, onnx))).toBe(etag);
    expect(existsSync(incomplete)).toBe(false);
  });

  it.each([
    ['shorter', { wrongSize: { repo: REPO, file: onnx, delta: -100 } }, /is 8\.2 MB \(\d+ bytes\), the Hub lists \d+ bytes/],
    ['longer', { wrongSize: { repo: REPO, file: onnx, delta: 100 } }, /the Hub lists \d+ bytes/],
    ['corrupted', { corrupt: { repo: REPO, file: onnx } }, /does not match its sha256 [0-9a-f]{64}/],
    ['corrupted small', { corrupt: { repo: REPO, file: 'config.json' } }, /config\.json .*does not match its git-sha1 [0-9a-f]{40}/],
  ] as const)('refuses a %s file and keeps nothing of it', async (_name, faults, reason) => {
    const settings = hubSettings(hub);
    hub.faults = faults;
    const error = await hubError(resolveModel(REPO, { ...fast, settings }));
    hub.faults = {};
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/it was discarded and nothing was used: run again$/);
    const file = Object.values(faults)[0].file;
    const { sha256: lfsSha, blobId, lfs } = hub.file(REPO, file);
    const blob = join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'blobs', lfs ? lfsSha : blobId);
    expect(existsSync(blob)).toBe(false);
    expect(existsSync(`${blob}.incomplete`)).toBe(false);
    expect(existsSync(join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'refs', 'main'))).toBe(false);
    // Once the Hub serves the right bytes, the same cache completes.
    const model = await resolveModel(REPO, { ...fast, settings });
    expect(sha256(join(model.dir, file))).toBe(hub.file(REPO, file).sha256);
  });
});

describe('access and errors', () => {
  it('needs a granted token for a gated repository', async () => {
    const anonymous = await hubError(resolveModel(GATED, { ...fast, settings: hubSettings(hub) }));
    expect(anonymous.code).toBe('GATED');
    expect(anonymous.message).toBe(
      `model ${GATED} is gated: accept its conditions at ${hub.url}/${GATED}, then set HF_TOKEN to an access token of that account`,
    );
    const denied = await hubError(resolveModel(GATED, { ...fast, settings: hubSettings(hub, { token: DENIED }) }));
    expect(denied.code).toBe('GATED');
    expect(denied.message).toBe(`model ${GATED} is gated and the token in HF_TOKEN has not been granted access: ask for it at ${hub.url}/${GATED}`);
    const unknown = await hubError(resolveModel(GATED, { ...fast, settings: hubSettings(hub, { token: 'hf_made_up' }) }));
    expect(unknown.message).toBe(`${hub.url} refused the token in HF_TOKEN (invalid credentials)`);
    for (const error of [anonymous, denied, unknown]) expect(error.message).not.toContain('hf_');

    const granted = await resolveModel(GATED, { ...fast, settings: hubSettings(hub, { token: TOKEN }) });
    expect(sha256(join(granted.dir, 'onnx/model.onnx'))).toBe(sha256(join(mainDir, 'onnx/model.onnx')));
  });

  it('says when a repository or revision does not exist', async () => {
    const anonymous = await hubError(resolveModel('kgqa-test/no-such-model', { settings: hubSettings(hub) }));
    expect(anonymous.code).toBe('REPO_NOT_FOUND');
    expect(anonymous.message).toBe(`model kgqa-test/no-such-model: no such repository on ${hub.url} (if it is private, set HF_TOKEN)`);
    const withToken = await hubError(resolveModel('kgqa-test/no-such-model', { settings: hubSettings(hub, { token: TOKEN }) }));
    expect(withToken.message).toBe(`model kgqa-test/no-such-model: no such repository on ${hub.url}`);
    const revision = await hubError(resolveModel(`${REPO}@v9`, { settings: hubSettings(hub) }));
    expect(revision.code).toBe('REVISION_NOT_FOUND');
    expect(revision.message).toBe(`model ${REPO} has no revision "v9" (a branch, tag or commit sha)`);
  });

  it('names the files a repository without an ONNX export lacks, before downloading anything', async () => {
    const settings = hubSettings(hub);
    const before = hub.requests.length;
    const error = await hubError(resolveModel(NO_ONNX, { settings }));
    expect(error.code).toBe('MISSING_ONNX');
    expect(error.message).toBe(
      `model ${NO_ONNX} has no ONNX export: it lacks onnx/model.onnx and model.onnx (it has model.safetensors, pytorch_model.bin); ` +
        `export one with \`optimum-cli export onnx --model ${NO_ONNX} --task question-answering DIR\` and give --model DIR, ` +
        'or use an ONNX copy such as Xenova/pytorch-only-qa if one exists',
    );
    expect(hub.requests.slice(before).map((request) => request.method)).toEqual(['GET']);

    const int8 = await hubError(resolveModel(ROOT_ONNX, { settings, variant: 'int8' }));
    expect(int8.message).toBe(
      `model ${ROOT_ONNX} has no int8 ONNX weights: it lacks onnx/model_quantized.onnx and model_quantized.onnx (it has model.onnx); try --variant fp32`,
    );
  });

  it('works offline from the cache, and says so when there is no network and nothing cached', async () => {
    const local = await MockHub.start({ repos: [{ id: REPO, commits: [{ dir: mainDir }] }] });
    const settings = hubSettings(local);
    const online = await resolveModel(REPO, { settings });
    await local.stop();

    const notices: string[] = [];
    const offline = await resolveModel(REPO, { settings, notice: (line) => notices.push(line) });
    expect(offline.dir).toBe(online.dir);
    expect(offline.hub).toMatchObject({ cacheOnly: true, downloadedBytes: 0, commit: online.hub!.commit });
    expect(notices).toEqual([
      expect.stringMatching(new RegExp(`^kgqa: cannot reach ${local.url} \\(.*ECONNREFUSED.*\\); using the cached copy of ${REPO} \\(commit [0-9a-f]{7}\\)$`)),
    ]);
    // HF_HUB_OFFLINE: not even an attempt.
    expect((await resolveModel(REPO, { settings: { ...settings, offline: true } })).dir).toBe(online.dir);

    const empty = hubSettings(local);
    const error = await hubError(resolveModel(REPO, { settings: empty }));
    expect(error.code).toBe('OFFLINE');
    expect(error.message).toMatch(
      new RegExp(`^model ${REPO}: cannot reach ${local.url} \\(.*ECONNREFUSED.*\\) and no complete copy is cached in ${empty.cacheDir}$`),
    );
    const offlineMode = await hubError(resolveModel(REPO, { settings: { ...empty, offline: true } }));
    expect(offlineMode.message).toBe(`model ${REPO}: HF_HUB_OFFLINE is set and no complete copy is cached in ${empty.cacheDir}`);
  });

  it('leaves folders alone: an existing folder is a folder even when spelled like a Hub id', async () => {
    const model = await resolveModel(mainDir, { settings: hubSettings(hub) });
    expect(model).toEqual({ dir: mainDir, name: mainDir, onnxFile: 'onnx/model.onnx' });
    expect(model.hub).toBeUndefined();
  });
});
