import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../src/format-bytes.js';
import { graphql, repoRoot, runCli, startServer, temporaryDir } from './support/cli.js';
import { generatedRepo, pytorchOnlyRepo, rootOnnxRepo } from './support/hub-repos.js';
import { MockHub } from './support/mock-hub.js';

const REPO = 'kgqa-test/tiny-qa';

describe('kgqa --model <Hub id>', () => {
  let hub: MockHub;
  let env: NodeJS.ProcessEnv;
  let cacheDir: string;
  let documents: string;

  beforeAll(async () => {
    const model = generatedRepo(42);
    hub = await MockHub.start({
      repos: [
        { id: REPO, commits: [{ dir: model }] },
        { id: 'kgqa-test/pytorch-only-qa', commits: [{ dir: pytorchOnlyRepo(model) }] },
        { id: 'kgqa-test/root-onnx-qa', commits: [{ dir: rootOnnxRepo(model) }] },
      ],
    });
    cacheDir = temporaryDir('kgqa-cli-cache-');
    env = { KGQA_HUB_URL: hub.url, KGQA_CACHE_DIR: cacheDir, HF_TOKEN: '', KGQA_HF_TOKEN: '', HF_HUB_OFFLINE: '' };
    documents = join(temporaryDir(), 'spike.txt');
    writeFileSync(documents, 'Spike protein\nThe spike protein of SARS-CoV-2 binds the ACE2 receptor on human cells.\n');
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('ingests and serves with a model downloaded from the Hub, then from the cache', async () => {
    const dataDir = temporaryDir();
    const seed = [join(repoRoot, 'seed', 'corpus'), '--vocabulary', join(repoRoot, 'seed', 'vocabulary.tsv')];
    const ingest = await runCli(['ingest', ...seed, '--data-dir', dataDir, '--model', REPO], env);
    expect(ingest.code, ingest.stderr).toBe(0);
    const fp32Bytes = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx'].reduce((sum, file) => sum + hub.file(REPO, file).size, 0);
    const snapshot = join(cacheDir, 'models--kgqa-test--tiny-qa', 'snapshots', hub.commit(REPO));
    expect(ingest.stderr).toContain(`kgqa: model ${REPO} is commit ${hub.commit(REPO).slice(0, 7)} (downloaded ${formatBytes(fp32Bytes)}): ${snapshot}`);

    const server = await startServer(['--data-dir', dataDir, '--model', REPO, '--variant', 'int8'], env);
    try {
      expect(server.output()).toContain(`model ${REPO} is commit ${hub.commit(REPO).slice(0, 7)} (downloaded ${formatBytes(hub.file(REPO, 'onnx/model_quantized.onnx').size)})`);
      const response = await graphql(server.url, '{ model { name meaningful generated variant } ask(question: "Which bats are the reservoir of SARS coronaviruses?") { answers { text } } }');
      expect(response.errors).toBeUndefined();
      expect(response.data.model).toEqual({ name: REPO, meaningful: false, generated: true, variant: 'int8' });
      expect(response.data.ask.answers.length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }

    const offline = await startServer(['--data-dir', dataDir, '--model', REPO], { ...env, HF_HUB_OFFLINE: '1' });
    try {
      expect(offline.output()).toContain(`kgqa: model ${REPO} is commit ${hub.commit(REPO).slice(0, 7)} (from the cache, offline): ${snapshot}`);
    } finally {
      await offline.stop();
    }
  });

  it('loads an optimum-style export with model.onnx at the root', async () => {
    const result = await runCli(['ingest', documents, '--data-dir', temporaryDir(), '--model', 'kgqa-test/root-onnx-qa'], env);
    expect(result.code, result.stderr).toBe(0);
    const server = await startServer(['--data-dir', temporaryDir(), '--model', 'kgqa-test/root-onnx-qa'], env);
    expect(server.output()).toContain('kgqa QA model: kgqa-test/root-onnx-qa (fp32');
    await server.stop();
  });

  it('exits 2 with one line for a Hub error', async () => {
    const cases: [string, string][] = [
      ['kgqa-test/no-such-model', `kgqa: model kgqa-test/no-such-model: no such repository on ${hub.url} (if it is private, set HF_TOKEN)`],
      ['kgqa-test/pytorch-only-qa', 'kgqa: model kgqa-test/pytorch-only-qa has no ONNX export: it lacks onnx/model.onnx and model.onnx'],
      ['a--b/c', 'kgqa: model "a--b/c": "a--b" is not a valid Hub owner or repository name'],
    ];
    for (const [model, line] of cases) {
      for (const command of ['ingest', 'serve']) {
        const args = command === 'ingest' ? ['ingest', documents, '--model', model] : ['serve', '--port', '0', '--model', model];
        const result = await runCli([...args, '--data-dir', temporaryDir()], env);
        expect(result.code, `${command} ${model}`).toBe(2);
        expect(result.stderr.trim().split('\n'), `${command} ${model}`).toEqual([expect.stringContaining(line)]);
      }
    }
  });
});
