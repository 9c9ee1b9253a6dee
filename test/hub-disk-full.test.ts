/** A full disk, for real: the cache lives on a small tmpfs mounted for the test (test/support/full-disk.ts; needs root). */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubError } from '../src/hub/hub-error.js';
import { formatBytes } from '../src/format-bytes.js';
import { resolveModel } from '../src/hub/resolve-model.js';
import { generatedRepo, hubSettings } from './support/hub-repos.js';
import { canMount, fill, mountTmpfs, unmountAll } from './support/full-disk.js';
import { MockHub } from './support/mock-hub.js';

const REPO = 'kgqa-test/tiny-qa';
const ONNX = 'onnx/model.onnx';
describe.skipIf(!canMount)('a full disk', () => {
  let hub: MockHub;

  beforeAll(async () => {
    hub = await MockHub.start({ repos: [{ id: REPO, commits: [{ dir: generatedRepo(42) }] }] });
  });

  afterEach(() => {
    hub.faults = {};
  });

  afterAll(async () => {
    await hub?.stop();
    unmountAll();
  });

  it('is refused before the first byte when the model cannot fit', async () => {
    const settings = hubSettings(hub, { cacheDir: mountTmpfs('4m')! });
    const needed = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', ONNX].reduce((sum, file) => sum + hub.file(REPO, file).size, 0);
    const error = await resolveModel(REPO, { settings }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('DISK_FULL');
    expect((error as HubError).message).toMatch(
      new RegExp(`^model ${REPO}: not enough space in ${settings.cacheDir} \\(needs ${formatBytes(needed)}, 4\\.\\d MB free\\); free some space or set KGQA_CACHE_DIR$`),
    );
    expect(readdirSync(join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'blobs'))).toEqual([]);
    expect(hub.requests.some((request) => request.method === 'GET' && request.path.includes('/resolve/'))).toBe(false);
  });

  it('fails cleanly when the disk fills during a download, and resumes once there is room', async () => {
    const settings = hubSettings(hub, { cacheDir: mountTmpfs('24m')! });
    const { sha256: etag } = hub.file(REPO, ONNX);
    const blobs = join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'blobs');
    const incomplete = join(blobs, `${etag}.incomplete`);
    const ballast = join(settings.cacheDir, 'ballast');
    let release!: () => void;
    hub.faults = {
      pause: {
        repo: REPO,
        file: ONNX,
        afterBytes: 1_000_000,
        release: new Promise<void>((resolve) => (release = resolve)),
        // Once the first megabyte is on disk, something else takes all the space left.
        reached: () => {
          const poll = setInterval(() => {
            if ((existsSync(incomplete) ? statSync(incomplete).size : 0) < 1_000_000) return;
            clearInterval(poll);
            fill(ballast);
            release();
          }, 5);
        },
      },
    };
    const error = await resolveModel(REPO, { settings, retryDelayMs: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('DISK_FULL');
    expect((error as HubError).message).toBe(
      `no space left on the disk of ${incomplete} while writing ${REPO}/${ONNX}; free some space (or set KGQA_CACHE_DIR) and run again: the download resumes where it stopped`,
    );
    // Nothing half-written carries the blob's name or is linked into a snapshot.
    expect(existsSync(join(blobs, etag))).toBe(false);
    expect(existsSync(join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'snapshots', hub.commit(REPO), ONNX))).toBe(false);
    expect(existsSync(join(settings.cacheDir, 'models--kgqa-test--tiny-qa', 'refs', 'main'))).toBe(false);
    const kept = statSync(incomplete).size;
    expect(kept).toBeGreaterThanOrEqual(1_000_000);

    rmSync(ballast);
    hub.faults = {};
    const before = hub.requests.length;
    const model = await resolveModel(REPO, { settings });
    expect(hub.requests.slice(before).filter((request) => request.server === 'cdn').map((request) => request.range)).toEqual([`bytes=${kept}-`]);
    expect(createHash('sha256').update(readFileSync(join(model.dir, ONNX))).digest('hex')).toBe(etag);
  });
});
