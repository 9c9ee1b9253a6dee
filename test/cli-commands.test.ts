import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, repoRoot, runCli, startServer, temporaryDir, type ServerProcess } from './support/cli.js';
import { generateTinyModel } from './support/model.js';

const QUESTION = 'What do dromedary camels carry?';
const seedCorpus = join(repoRoot, 'seed', 'corpus');
const seedVocabulary = join(repoRoot, 'seed', 'vocabulary.tsv');

describe('kgqa --version, stats, ask and the start-up lines of serve, through the built CLI', () => {
  let dataDir: string;
  let model: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = temporaryDir();
    model = generateTinyModel();
    const ingest = await runCli(['ingest', seedCorpus, '--vocabulary', seedVocabulary, '--data-dir', dataDir, '--model', model]);
    expect(ingest.code, ingest.stderr).toBe(0);
    server = await startServer(['--data-dir', dataDir, '--model', model]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it('--help and serve --help lead to the web page, GraphiQL and /metrics', async () => {
    for (const args of [['--help'], ['serve', '--help']]) {
      const { stdout } = await runCli(args);
      expect(stdout, args.join(' ')).toMatch(/http:\/\/localhost:4000\//);
      expect(stdout, args.join(' ')).toMatch(/GraphiQL/);
      expect(stdout, args.join(' ')).toMatch(/metrics/);
    }
  });

  it('serve says at start which store it serves, its totals and the model, and where the page, GraphiQL and metrics are', async () => {
    const stats = (await graphql(server.url, '{ stats { articles sentences concepts edges } }')).data.stats;
    const output = server.output();
    expect(output).toContain(
      `kgqa store: embedded SQLite, ${join(dataDir, 'kgqa.sqlite')}: ${stats.articles} articles, ${stats.sentences} sentences, ${stats.concepts} concepts, ${stats.edges} edges`,
    );
    expect(output).toMatch(/kgqa QA model: .*random weights/);
    const origin = new URL(server.url).origin;
    const page = /open the web page:\s+(\S+)/.exec(output)![1];
    const metrics = /metrics:\s+(\S+)/.exec(output)![1];
    expect(page).toBe(`${origin}/`);
    expect((await fetch(page, { headers: { accept: 'text/html' } })).status).toBe(200);
    expect(await (await fetch(metrics)).text()).toMatch(/^# HELP/m);
    expect(output).toContain(`GraphiQL:           ${server.url}`);
  });

  it('stats prints the totals the server reports, and refuses a folder with no store without creating one', async () => {
    const stats = (await graphql(server.url, '{ stats { articles sentences concepts edges } }')).data.stats;
    const json = await runCli(['stats', '--data-dir', dataDir, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ store: join(dataDir, 'kgqa.sqlite'), ...stats });
    const text = await runCli(['stats', '--data-dir', dataDir]);
    expect(text.stdout.trim()).toBe(
      `${join(dataDir, 'kgqa.sqlite')} (embedded SQLite): ${stats.articles} articles, ${stats.sentences} sentences, ${stats.concepts} concepts, ${stats.edges} edges`,
    );

    const nowhere = join(temporaryDir(), 'no-store');
    for (const args of [['stats', '--data-dir', nowhere], ['ask', QUESTION, '--data-dir', nowhere, '--model', model]]) {
      const result = await runCli(args);
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr.trim(), args[0]).toBe(
        `kgqa: ${nowhere}/kgqa.sqlite does not exist: ingest documents first (kgqa ingest PATH --data-dir ${nowhere}), or give the --data-dir of a kgqa store`,
      );
      expect(existsSync(nowhere), args[0]).toBe(false);
    }
  });

  it('ask --json gives the answers the server gives, each with its sentence (answer offsets in it) and article', async () => {
    const api = await graphql(
      server.url,
      `query($q: String!) { ask(question: $q, limit: 3) { answers { text score sentence { key text } spans { start end sentence { key } } passage { article { id title } } } } }`,
      { q: QUESTION },
    );
    const expected = api.data.ask.answers;
    expect(expected.length).toBeGreaterThan(0);
    const result = await runCli(['ask', QUESTION, '--data-dir', dataDir, '--model', model, '--limit', '3', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.question).toBe(QUESTION);
    expect(printed.answers).toHaveLength(expected.length);
    printed.answers.forEach((answer: any, i: number) => {
      const want = expected[i];
      expect(answer.text).toBe(want.text);
      expect(answer.score).toBeCloseTo(want.score, 5);
      expect(answer.article).toEqual(want.passage.article);
      expect(answer.sentence.key).toBe(want.sentence.key);
      expect(answer.sentence.text).toBe(want.sentence.text);
      const span = want.spans.find((s: any) => s.sentence.key === want.sentence.key);
      expect([answer.sentence.start, answer.sentence.end]).toEqual([span.start, span.end]);
      expect(want.text.startsWith(answer.sentence.text.slice(answer.sentence.start, answer.sentence.end))).toBe(true);
    });
  });

  it('ask prints each answer for a person: the answer, its sentence with the answer marked, and its article', async () => {
    const json = JSON.parse((await runCli(['ask', QUESTION, '--data-dir', dataDir, '--model', model, '--limit', '2', '--json'])).stdout);
    const result = await runCli(['ask', QUESTION, '--data-dir', dataDir, '--model', model, '--limit', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/kgqa QA model: .*NOT meaningful/);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3 * json.answers.length);
    json.answers.forEach((answer: any, i: number) => {
      const { text, start, end } = answer.sentence;
      expect(lines[3 * i]).toMatch(new RegExp(`^${i + 1}\\. .+ \\(score \\d\\.\\d{3}`));
      expect(lines[3 * i]).toContain(answer.text);
      expect(lines[3 * i + 1]).toBe(`   sentence: ${text.slice(0, start)}«${text.slice(start, end)}»${text.slice(end)}`);
      expect(lines[3 * i + 2]).toBe(`   article:  ${answer.article.title} (${answer.article.id})`);
    });
  });

  it('ask refuses bad input in one line with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['ask', QUESTION, '--data-dir', dataDir], /^kgqa: ask needs a QA model: give --model DIR/],
      [['ask', '   ', '--data-dir', dataDir, '--model', model], /^kgqa: "question" is empty$/],
      [['ask', 'why '.repeat(300), '--data-dir', dataDir, '--model', model], /^kgqa: "question" must be at most 1000 characters/],
      [['ask', QUESTION, '--data-dir', dataDir, '--model', model, '--limit', 'x'], /--limit.*must be a whole number/],
    ];
    for (const [args, reason] of cases) {
      const result = await runCli(args, { KGQA_MODEL: '' });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n').at(-1), args.join(' ')).toMatch(reason);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
