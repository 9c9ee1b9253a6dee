import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cord19Dir, graphql, runCli, startServer, temporaryDir, type ServerProcess } from './support/cli.js';
import { generateTinyModel } from './support/model.js';

const ASK = `query($q: String!, $limit: Int) { ask(question: $q, limit: $limit) {
  question tookMs noAnswer nullScore
  concepts { id name }
  candidates { key text article { id } sentences { key text } }
  answers { text score nullScore start end cached edge { source { name } target { name } }
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
    expect(server.output()).toContain('kgqa QA model: bert-tiny (fp32');
    const response = await graphql(server.url, '{ model { name meaningful generated noAnswer description variant } }');
    // The folder's name, never its path on the server; a name without "squad2" does not say "no answer".
    expect(response.data.model).toMatchObject({ name: 'bert-tiny', meaningful: false, generated: true, noAnswer: false, variant: 'fp32' });
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
    expect(result.noAnswer).toBe(false);
    expect(result.nullScore).toBe(Math.min(...result.answers.map((a: { nullScore: number }) => a.nullScore), result.nullScore));
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
      expect(answer.nullScore).toBeGreaterThan(0);
      expect(answer.nullScore).toBeLessThan(1);
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

  it('says "no answer" as the server is told: per passage, the null score against the best span, with a threshold', async () => {
    const question = 'What is the structure of the coronavirus main proteinase?';
    const spans = (await graphql(server.url, ASK, { q: question, limit: 20 })).data.ask;
    const dataDir = temporaryDir();
    expect((await runCli(['ingest', cord19Dir, '--data-dir', dataDir, '--model', model])).code).toBe(0);
    // Threshold t: a passage answers when nullScore - score <= t. Halfway between two passages' margins splits them.
    const margins = spans.answers.map((a: { score: number; nullScore: number }) => a.nullScore - a.score).sort((a: number, b: number) => a - b);
    expect(new Set(margins).size).toBeGreaterThan(2);
    const threshold = (margins[0] + margins[1]) / 2;
    for (const [flags, expected] of [
      [['--unanswerable', 'on', '--null-threshold', '-1'], 0],
      [['--unanswerable', 'on', '--null-threshold', String(threshold)], 1],
      [['--unanswerable', 'off', '--null-threshold', '-1'], spans.answers.length],
    ] as const) {
      const told = await startServer(['--data-dir', dataDir, '--model', model, ...flags]);
      try {
        const saysNoAnswer = flags[1] === 'on';
        expect(told.output()).toContain(saysNoAnswer ? 'says "no answer"' : 'kgqa QA model: bert-tiny');
        const info = await graphql(told.url, '{ model { noAnswer } }');
        expect(info.data.model.noAnswer).toBe(saysNoAnswer);
        const result = (await graphql(told.url, ASK, { q: question, limit: 20 })).data.ask;
        expect(result.candidates.map((c: { key: string }) => c.key)).toEqual(spans.candidates.map((c: { key: string }) => c.key));
        expect(result.answers.length, flags.join(' ')).toBe(expected);
        expect(result.noAnswer).toBe(expected === 0);
        expect(result.nullScore).toBeCloseTo(spans.nullScore, 12);
      } finally {
        await told.stop();
      }
    }
    const bad = await runCli(['serve', '--data-dir', dataDir, '--null-threshold', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--null-threshold <x>' argument 'abc' is invalid. must be a number/);
  });
});
