import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cord19Dir, graphql, runCli, startServer, temporaryDir, type ServerProcess } from './support/cli.js';
import { generateTinyModel } from './support/model.js';

const ASK = `query($q: String!, $limit: Int) { ask(question: $q, limit: $limit) {
  question tookMs
  concepts { id name }
  candidates { key text article { id } sentences { key text } }
  answers { text score start end cached edge { source { name } target { name } }
            passage { key text article { id title } }
            sentence { key }
            spans { start end sentence { key text } } } } }`;

describe('ask over real HTTP on the CORD-19 sample (tiny generated model)', () => {
  let server: ServerProcess;
  let model: string;

  beforeAll(async () => {
    model = generateTinyModel();
    const dataDir = temporaryDir();
    const ingest = await runCli(['ingest', cord19Dir, '--data-dir', dataDir, '--model', model]);
    expect(ingest.code).toBe(0);
    server = await startServer(['--data-dir', dataDir, '--model', model]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('says plainly that a generated model gives meaningless answers', async () => {
    expect(server.output()).toMatch(/answers are NOT meaningful/);
    const response = await graphql(server.url, '{ model { generated description variant } }');
    expect(response.data.model).toMatchObject({ generated: true, variant: 'fp32' });
  });

  it('answers from candidate passages, with provenance down to the sentences, then from the cache', async () => {
    const question = 'What is the structure of the coronavirus main proteinase?';
    const first = await graphql(server.url, ASK, { q: question, limit: 5 });
    expect(first.errors).toBeUndefined();
    const result = first.data.ask;
    expect(result.question).toBe(question);
    expect(result.concepts.length).toBeGreaterThan(0);
    expect(result.candidates.length).toBeGreaterThan(0);
    expect(result.candidates.length).toBeLessThanOrEqual(20);
    expect(result.answers.length).toBe(Math.min(5, result.candidates.length));
    for (const passage of result.candidates) {
      expect(passage.text).toBe(passage.sentences.map((s: { text: string }) => s.text).join(' '));
      expect(passage.sentences.length).toBeGreaterThan(0);
      expect(passage.sentences.length).toBeLessThanOrEqual(5);
    }
    const candidateKeys = result.candidates.map((c: { key: string }) => c.key);
    let previous = Infinity;
    for (const answer of result.answers) {
      expect(answer.cached).toBe(false);
      expect(answer.score).toBeLessThanOrEqual(previous);
      previous = answer.score;
      expect(answer.score).toBeGreaterThan(0);
      expect(answer.text.length).toBeGreaterThan(0);
      expect(answer.passage.text.slice(answer.start, answer.end)).toBe(answer.text);
      expect(candidateKeys).toContain(answer.passage.key);
      expect(answer.passage.article.title.length).toBeGreaterThan(0);
      // The answer, sentence by sentence, is the answer: joined by the passage's separator.
      expect(answer.spans.map((s: { start: number; end: number; sentence: { text: string } }) => s.sentence.text.slice(s.start, s.end)).join(' ')).toBe(answer.text);
      expect(answer.sentence.key).toBe(answer.spans[0].sentence.key);
    }

    const again = await graphql(server.url, ASK, { q: '  what is the STRUCTURE of the coronavirus main proteinase ', limit: 5 });
    expect(again.errors).toBeUndefined();
    const cached = again.data.ask.answers;
    expect(cached.map((a: { cached: boolean }) => a.cached)).toEqual(result.answers.map(() => true));
    expect(cached.map((a: { text: string; score: number }) => [a.text, a.score])).toEqual(
      result.answers.map((a: { text: string; score: number }) => [a.text, a.score]),
    );

    // The server reports what its caches hold: the answers of the candidates read, and one retrieval per question as typed.
    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    const entries = (cache: string) => Number(new RegExp(`^kgqa_cache_entries\\{cache="${cache}"\\} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(entries('answers')).toBeGreaterThanOrEqual(result.answers.length);
    expect(entries('answers')).toBeLessThanOrEqual(result.candidates.length);
    expect(entries('retrieval')).toBe(2);
  });

  it('filters by year: the CORD-19 sample has no years, so a year filter leaves nothing to read', async () => {
    const response = await graphql(server.url, 'query { ask(question: "coronavirus main proteinase", years: [2003]) { candidates { key } answers { text } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data.ask.candidates).toEqual([]);
    expect(response.data.ask.answers).toEqual([]);
  });

  it('turns bad questions into clear errors or empty answers, never a crash', async () => {
    const empty = await graphql(server.url, ASK, { q: '   ' });
    expect(empty.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const huge = await graphql(server.url, ASK, { q: 'coronavirus '.repeat(900) });
    expect(huge.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(huge.errors?.[0].message).toMatch(/at most 1000 characters/);
    const negative = await graphql(server.url, ASK, { q: 'coronavirus', limit: -2 });
    expect(negative.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    for (const q of ['the of and which is', '冠状病毒的主要蛋白酶是什么？', 'Коронавирус?', '🦠🦠🦠', '?!?']) {
      const response = await graphql(server.url, ASK, { q });
      expect(response.errors, q).toBeUndefined();
      expect(Array.isArray(response.data.ask.answers)).toBe(true);
    }
    const healthy = await graphql(server.url, '{ stats { articles } }');
    expect(healthy.data.stats.articles).toBe(22);
  });
});
