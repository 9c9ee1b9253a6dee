import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, resolveDefaultModel } from '../src/hub/default-model.js';
import { writeModelDir } from '../src/model-generator/write-model-dir.js';
import { openModelDir } from '../src/pipeline/model-dir.js';
import { temporaryDir } from './support/cli.js';
import { generatedRepo, hubSettings, pretendTrainedRepo, unreachableUrl } from './support/hub-repos.js';
import { MockHub } from './support/mock-hub.js';

describe('the model npm start answers with', () => {
  let hub: MockHub;
  let generated: string;

  beforeAll(async () => {
    generated = generatedRepo(42);
    hub = await MockHub.start({
      repos: [
        { id: DEFAULT_MODEL_ID, commits: [{ dir: pretendTrainedRepo(generated) }] },
        { id: 'kgqa-test/random-weights', commits: [{ dir: generated }] },
      ],
    });
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('is the default Hub model when the Hub answers, then from the cache when it does not', async () => {
    const settings = hubSettings(hub);
    const fallbackDir = join(temporaryDir(), 'tiny');
    const online = await resolveDefaultModel({ settings, fallbackDir });
    expect(online).toMatchObject({ name: DEFAULT_MODEL_ID, meaningful: true, onnxFile: 'onnx/model.onnx', hub: { commit: hub.commit(DEFAULT_MODEL_ID), cacheOnly: false } });
    expect(online.fallbackReason).toBeUndefined();
    expect(online.dir).toBe(join(settings.cacheDir, 'models--Xenova--distilbert-base-cased-distilled-squad', 'snapshots', hub.commit(DEFAULT_MODEL_ID)));
    expect((await openModelDir(online.dir)).generated).toBe(false);

    const unreachable = { ...settings, endpoint: await unreachableUrl() };
    const cached = await resolveDefaultModel({ settings: unreachable, fallbackDir });
    expect(cached).toMatchObject({ dir: online.dir, meaningful: true, hub: { cacheOnly: true } });
  });

  it('falls back to the generated tiny model, saying why, when the Hub is unreachable and nothing is cached', async () => {
    const url = await unreachableUrl();
    const settings = hubSettings({ url });
    const fallbackDir = join(temporaryDir(), 'tiny');
    await expect(resolveDefaultModel({ settings, fallbackDir })).rejects.toThrow(/no generated fallback model in .*npm run model:tiny makes one/);
    writeModelDir({ preset: 'bert-tiny', outDir: fallbackDir, seed: 42 });
    const model = await resolveDefaultModel({ settings, fallbackDir });
    expect(model).toMatchObject({ dir: fallbackDir, name: fallbackDir, onnxFile: 'onnx/model.onnx', meaningful: false });
    expect(model.hub).toBeUndefined();
    expect(model.fallbackReason).toMatch(
      new RegExp(`^model ${DEFAULT_MODEL_ID}: cannot reach ${url} \\(.*ECONNREFUSED.*\\) and no complete copy is cached in ${settings.cacheDir}$`),
    );
    // The reader's own description carries today's warning.
    const dir = await openModelDir(model.dir);
    expect(dir.generated).toBe(true);
    expect(dir.description).toMatch(/random weights .*NOT meaningful/);
  });

  it('says a Hub model with random weights is not meaningful', async () => {
    const model = await resolveDefaultModel({ settings: hubSettings(hub), fallbackDir: temporaryDir(), modelId: 'kgqa-test/random-weights' });
    expect(model).toMatchObject({ name: 'kgqa-test/random-weights', meaningful: false });
    expect(model.fallbackReason).toBeUndefined();
  });
});
