/**
 * `kgqa serve --model default` (what `npm start` runs) and `--model <Hub id>` of every model family, against the
 * mock Hub: the default real model when the Hub has it, the generated one with a warning when it cannot be reached,
 * and every family served by Hub id answering as transformers.js answers the same passage.
 */
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID } from '../src/hub/default-model.js';
import type { PresetName } from '../src/model-generator/presets.js';
import { normalizeQuestion } from '../src/pipeline/question.js';
import { DEFAULT_MAX_ANSWER_TOKENS } from '../src/pipeline/reader.js';
import { graphql, repoRoot, startServer, temporaryDir } from './support/cli.js';
import { generatedRepo, pretendTrainedRepo, unreachableUrl } from './support/hub-repos.js';
import { MockHub } from './support/mock-hub.js';
import { generateModel } from './support/model.js';
import { loadTransformersQa } from './support/transformers-qa.js';

const FAMILIES: PresetName[] = ['bert-tiny', 'distilbert-tiny', 'roberta-tiny', 'xlm-roberta-tiny', 'albert-tiny', 'electra-tiny', 'deberta-v3-tiny'];
const QUESTION = 'Which bats are the reservoir of SARS coronaviruses?';
const SEED = ['--ingest', join(repoRoot, 'seed', 'corpus'), '--vocabulary', join(repoRoot, 'seed', 'vocabulary.tsv')];
const MODEL = '{ model { name meaningful generated noAnswer } }';

function hubEnv(url: string): NodeJS.ProcessEnv {
  return { KGQA_HUB_URL: url, KGQA_CACHE_DIR: temporaryDir('kgqa-serve-cache-'), HF_TOKEN: '', KGQA_HF_TOKEN: '', HF_HUB_OFFLINE: '', KGQA_MODEL: '' };
}

describe('kgqa serve --model default', () => {
  let hub: MockHub;
  let fallback: string;

  beforeAll(async () => {
    fallback = generatedRepo(7);
    hub = await MockHub.start({ repos: [{ id: DEFAULT_MODEL_ID, commits: [{ dir: pretendTrainedRepo(generatedRepo(42)) }] }] });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('answers with the default Hub model when the Hub is reachable, and says its answers are meaningful', async () => {
    const server = await startServer(['--data-dir', temporaryDir(), '--model', 'default', ...SEED], { ...hubEnv(hub.url), KGQA_FALLBACK_MODEL: fallback });
    try {
      expect(server.output()).toContain(`kgqa QA model: ${DEFAULT_MODEL_ID} (fp32`);
      expect(server.output()).toMatch(/answers are meaningful/);
      expect(server.output()).not.toMatch(/WARNING/);
      const response = await graphql(server.url, MODEL);
      expect(response.data.model).toEqual({ name: DEFAULT_MODEL_ID, meaningful: true, generated: false, noAnswer: false });
    } finally {
      await server.stop();
    }
  });

  it('falls back to the generated model, with a warning, when the Hub cannot be reached and nothing is cached', async () => {
    const server = await startServer(['--data-dir', temporaryDir(), '--model', 'default', ...SEED], { ...hubEnv(await unreachableUrl()), KGQA_FALLBACK_MODEL: fallback });
    try {
      expect(server.output()).toMatch(new RegExp(`kgqa: WARNING: the default model is unavailable \\(model ${DEFAULT_MODEL_ID}: cannot reach .*\\); answering with the generated model in ${fallback}, whose answers are NOT meaningful`));
      expect(server.output()).toContain(`kgqa QA model: ${basename(fallback)} (fp32`);
      const response = await graphql(server.url, MODEL);
      expect(response.data.model).toEqual({ name: basename(fallback), meaningful: false, generated: true, noAnswer: false });
    } finally {
      await server.stop();
    }
  });
});

describe('kgqa serve --model <Hub id> of every family', () => {
  let hub: MockHub;
  const repo = (preset: PresetName) => `kgqa-test/${preset}-squad2`;

  beforeAll(async () => {
    hub = await MockHub.start({ repos: FAMILIES.map((preset) => ({ id: repo(preset), commits: [{ dir: generateModel(preset) }] })) });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it.each(FAMILIES)('%s: downloads, serves and answers as transformers.js reads the same passage', async (preset) => {
    const id = repo(preset);
    // A squad2 name says "no answer" by default; off here, so every passage read gives its best span to compare.
    const server = await startServer(['--data-dir', temporaryDir(), '--model', id, '--unanswerable', 'off', ...SEED], hubEnv(hub.url));
    try {
      const snapshot = /kgqa: model \S+ is commit \w+ \(downloaded [^)]+\): (\S+)/.exec(server.output())![1];
      expect(server.output()).toContain(`kgqa QA model: ${id} (fp32`);
      const response = await graphql(
        server.url,
        `query($q: String!) { model { name noAnswer } ask(question: $q, limit: 3) { noAnswer answers { text score nullScore passage { text } } } }`,
        { q: QUESTION },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data.model).toEqual({ name: id, noAnswer: false });
      const { answers } = response.data.ask;
      expect(answers.length).toBe(3);
      const reference = await loadTransformersQa(snapshot, { threads: 1 });
      try {
        for (const answer of answers) {
          // transformers.js bounds no answer's length; the server's reader bounds it (DEFAULT_MAX_ANSWER_TOKENS).
          const theirs = await reference.boundedScore(normalizeQuestion(QUESTION), answer.passage.text, DEFAULT_MAX_ANSWER_TOKENS);
          expect(answer.score).toBeCloseTo(theirs, 4);
          expect(answer.nullScore).toBeCloseTo(await reference.nullScore(normalizeQuestion(QUESTION), answer.passage.text), 4);
        }
      } finally {
        await reference.dispose();
      }
    } finally {
      await server.stop();
    }
  });

  it('says "no answer" by default for a model whose Hub id names SQuAD 2.0', async () => {
    const server = await startServer(['--data-dir', temporaryDir(), '--model', repo('roberta-tiny'), '--null-threshold', '-1', ...SEED], hubEnv(hub.url));
    try {
      expect(server.output()).toMatch(/says "no answer" \(null threshold -1\)/);
      const response = await graphql(server.url, `query($q: String!) { model { noAnswer } ask(question: $q) { noAnswer nullScore answers { text } } }`, { q: QUESTION });
      expect(response.data.model.noAnswer).toBe(true);
      expect(response.data.ask).toMatchObject({ noAnswer: true, answers: [] });
      expect(response.data.ask.nullScore).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});
