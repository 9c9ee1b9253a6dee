import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../src/cli/ingest-command.js';
import { openStore } from '../src/store/open-store.js';
import { graphql, runCli, temporaryDir } from './support/cli.js';
import { seedDir, startSeedServer, type SeedServer } from './support/seed-server.js';

const API_KEY = 'delete-key';
const AUTHORIZED = { authorization: `Bearer ${API_KEY}` };
const DELETE = `mutation($ids: [ID!]!) { deleteArticles(ids: $ids) { deleted notFound stats { articles sentences } } }`;
const ASK = `query($q: String!) { ask(question: $q, limit: 20) { candidates { key article { id } } answers { cached passage { key article { id } } } } }`;
const QUESTION = 'Which receptor does the coronavirus spike protein bind?';

describe('deleteArticles over HTTP (seed corpus, tiny generated model)', () => {
  let seed: SeedServer;
  let server: SeedServer['server'];

  beforeAll(async () => {
    seed = await startSeedServer(API_KEY);
    server = seed.server;
  });
  afterAll(async () => {
    await seed?.close();
  });

  it('needs the API key, as ingest does', async () => {
    const response = await graphql(server.url, DELETE, { ids: ['anything'] });
    expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers as if the deleted document had never been ingested, its cached answers included', async () => {
    const first = await graphql(server.url, ASK, { q: QUESTION });
    expect(first.errors).toBeUndefined();
    const answered = first.data.ask.answers.map((a: { passage: { article: { id: string } } }) => a.passage.article.id);
    const victim: string = answered[0];
    const before = (await graphql(server.url, '{ stats { articles } }')).data.stats.articles;

    const deletion = await graphql(server.url, DELETE, { ids: [victim, 'no-such-article', victim] }, AUTHORIZED);
    expect(deletion.errors).toBeUndefined();
    expect(deletion.data.deleteArticles).toMatchObject({ deleted: [victim], notFound: ['no-such-article'], stats: { articles: before - 1 } });
    expect((await graphql(server.url, `{ article(id: ${JSON.stringify(victim)}) { id } }`)).data.article).toBeNull();

    const after = await graphql(server.url, ASK, { q: QUESTION });
    const articles = (passages: { article: { id: string } }[]) => passages.map((p) => p.article.id);
    expect(articles(after.data.ask.candidates)).not.toContain(victim);
    // Passages read before still answer from the cache (their article is untouched).
    const readBefore = new Set(first.data.ask.candidates.map((c: { key: string }) => c.key));
    const stillCached = after.data.ask.answers.filter((a: { passage: { key: string } }) => readBefore.has(a.passage.key));
    expect(stillCached.length).toBeGreaterThan(0);
    expect(stillCached.every((a: { cached: boolean }) => a.cached)).toBe(true);

    // Ingested again, the document's passages are read afresh: its cached answers went with it.
    await seed.app.services.ingest(seed.documents.filter((d) => 'document' in d && d.document.id === victim));
    const again = await graphql(server.url, ASK, { q: QUESTION });
    const fromVictim = again.data.ask.answers.filter((a: { passage: { article: { id: string } } }) => a.passage.article.id === victim);
    expect(fromVictim.length).toBeGreaterThan(0);
    expect(fromVictim.every((a: { cached: boolean }) => !a.cached)).toBe(true);
  });

  it('refuses more ids than one request may carry', async () => {
    const response = await graphql(server.url, DELETE, { ids: Array.from({ length: 1001 }, (_, i) => `id${i}`) }, AUTHORIZED);
    expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe.each([
  { name: 'the embedded store', flags: () => ['--data-dir', temporaryDir()] },
  { name: 'Redis', flags: () => ['--store', `redis://127.0.0.1:6379?namespace=cli-delete-${process.pid}-${Date.now()}`] },
])('kgqa delete and kgqa drop on $name', ({ flags }) => {
  it('deletes by id, says which ids were not found, and drops only with --yes', async () => {
    const store = flags();
    const ingest = await runCli(['ingest', join(seedDir, 'corpus'), '--vocabulary', join(seedDir, 'vocabulary.tsv'), ...store]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const ids = (await readInputs([join(seedDir, 'corpus')])).flatMap((d) => ('document' in d ? [d.document.id] : []));

    const deleted = await runCli(['delete', ids[0], 'no-such-article', ...store]);
    expect(deleted.code, deleted.stderr).toBe(1);
    expect(deleted.stdout).toMatch(/^deleted 1 documents from /);
    expect(deleted.stdout).toMatch(/not found: no-such-article/);
    expect(deleted.stdout).toContain(`store: ${ids.length - 1} articles`);

    const refused = await runCli(['drop', ...store]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe('kgqa: drop deletes every document of the store; run it again with --yes to confirm');

    const dropped = await runCli(['drop', '--yes', ...store]);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stdout).toMatch(new RegExp(`^dropped ${ids.length - 1} documents from `));
    const opened = await openStore(store[0] === '--data-dir' ? { url: 'sqlite', dataDir: store[1] } : { url: store[1] });
    try {
      expect(await opened.store.stats()).toEqual({ articles: 0, sentences: 0, concepts: 0, edges: 0 });
    } finally {
      await opened.store.close();
    }
  });
});
