import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HubError } from '../src/hub/hub-error.js';
import { hubSettingsFromEnv } from '../src/hub/hub-settings.js';
import { parseModelSpec } from '../src/hub/model-spec.js';

describe('--model values', () => {
  it('reads owner/name[@revision] as a Hub id and anything spelled as a path as a folder', () => {
    expect(parseModelSpec('Xenova/distilbert-base-cased-distilled-squad')).toEqual({ kind: 'hub', repo: 'Xenova/distilbert-base-cased-distilled-squad', revision: 'main' });
    expect(parseModelSpec('deepset/roberta-base-squad2@v1.0')).toEqual({ kind: 'hub', repo: 'deepset/roberta-base-squad2', revision: 'v1.0' });
    expect(parseModelSpec('a/b@refs/pr/3')).toEqual({ kind: 'hub', repo: 'a/b', revision: 'refs/pr/3' });
    for (const path of ['./a/b', '../a/b', '/srv/models/x', '~/models', 'tiny', 'a/b/c', '.kgqa/models/tiny/']) {
      expect(parseModelSpec(path), path).toEqual({ kind: 'folder', path });
    }
  });

  it('refuses ids the Hub would refuse and revisions that would leave the cache', () => {
    const cases: [string, RegExp][] = [
      ['a--b/c', /"a--b" is not a valid Hub owner or repository name/],
      ['a/b..c', /"b\.\.c" is not a valid/],
      ['a/-b', /"-b" is not a valid/],
      [`a/${'x'.repeat(100)}`, /at most 96 characters/],
      ['a/b@', /"" is not a revision/],
      ['a/b@../../etc', /"\.\.\/\.\.\/etc" is not a revision/],
      ['a/b@refs//x', /is not a revision/],
    ];
    for (const [value, reason] of cases) {
      let error: unknown;
      try {
        parseModelSpec(value);
      } catch (caught) {
        error = caught;
      }
      expect(error, value).toBeInstanceOf(HubError);
      expect((error as HubError).code).toBe('BAD_MODEL_ID');
      expect((error as HubError).message, value).toMatch(reason);
    }
  });
});

describe('Hub settings from the environment', () => {
  it('defaults to huggingface.co and the usual Hugging Face cache', () => {
    expect(hubSettingsFromEnv({})).toEqual({ endpoint: 'https://huggingface.co', cacheDir: join(homedir(), '.cache', 'huggingface', 'hub'), token: undefined, offline: false, timeoutMs: 10_000 });
  });

  it('follows huggingface_hub for the cache, with KGQA_CACHE_DIR first', () => {
    expect(hubSettingsFromEnv({ XDG_CACHE_HOME: '/x' }).cacheDir).toBe('/x/huggingface/hub');
    expect(hubSettingsFromEnv({ XDG_CACHE_HOME: '/x', HF_HOME: '/h' }).cacheDir).toBe('/h/hub');
    expect(hubSettingsFromEnv({ HF_HOME: '/h', HF_HUB_CACHE: '/c' }).cacheDir).toBe('/c');
    expect(hubSettingsFromEnv({ HF_HUB_CACHE: '/c', KGQA_CACHE_DIR: '/k' }).cacheDir).toBe('/k');
    expect(hubSettingsFromEnv({ HF_HOME: '~/hf' }).cacheDir).toBe(join(homedir(), 'hf', 'hub'));
  });

  it('takes the endpoint from KGQA_HUB_URL over HF_ENDPOINT, the token from KGQA_HF_TOKEN over HF_TOKEN', () => {
    const settings = hubSettingsFromEnv({ HF_ENDPOINT: 'https://mirror.example/', KGQA_HUB_URL: 'http://127.0.0.1:8080/', HF_TOKEN: 'hf_a', KGQA_HF_TOKEN: 'hf_b', HF_HUB_OFFLINE: '1' });
    expect(settings).toMatchObject({ endpoint: 'http://127.0.0.1:8080', token: 'hf_b', offline: true });
    expect(hubSettingsFromEnv({ HF_ENDPOINT: 'https://mirror.example', HF_TOKEN: 'hf_a', KGQA_HF_TOKEN: '' })).toMatchObject({ endpoint: 'https://mirror.example', token: 'hf_a' });
  });
});
