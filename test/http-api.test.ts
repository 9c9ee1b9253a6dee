import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../src/cli/ingest-command.js';
import { ArticlePreparer } from '../src/ingest/article-preparer.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { createApp } from '../src/server/app.js';
import type { RunningServer } from '../src/server/http-server.js';
import { RedisStore } from '../src/store/redis-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { graphql, repoRoot } from './support/cli.js';
import { fetchStats } from './support/corpus.js';
import { startRedis, type RedisProcess } from './support/redis-cluster.js';

const seedDir = join(repoRoot, 'seed');
const API_KEY = 'test-key-123';
const AUTHORIZED = { authorization: `Bearer ${API_KEY}` };

describe('GraphQL over HTTP on the seed corpus', () => {
  let server: RunningServer;

  beforeAll(async () => {
    const store = await SqliteStore.open();
    const preparer = await ArticlePreparer.start({ vocabularies: [join(seedDir, 'vocabulary.tsv')] });
    const summary = await ingestDocuments(store, await readInputs([join(seedDir, 'corpus')]), { preparer });
    expect(summary.rejected).toEqual([]);
    server = await createApp({ store, preparer }).listen({ port: 0, apiKey: API_KEY });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('rejects bad arguments with BAD_USER_INPUT and a message naming the argument', async () => {
    const cases: [string, RegExp][] = [
      ['{ search(text: "sars", limit: -1) { links { rank } } }', /"limit" must not be negative/],
      ['{ search(text: "sars", limit: 100000) { links { rank } } }', /"limit" must be at most 500/],
      ['{ search(text: "sars") { links { sentences(first: -3) { key } } } }', /"first" must not be negative/],
      ['{ concept(id: "KGQA:0001") { edges(first: 2, after: "garbage") { totalCount } } }', /"after" is not a cursor/],
    ];
    for (const [query, message] of cases) {
      const response = await graphql(server.url, query);
      expect(response.errors?.[0].extensions?.code, query).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toMatch(message);
      expect(JSON.stringify(response.errors)).not.toMatch(/stacktrace/);
    }
  });

  it('refuses ids that are not well-formed Unicode with BAD_USER_INPUT', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['query($id: ID!) { article(id: $id) { title } }', { id: 'doc\ud800' }, /"id" is not well-formed Unicode \(a lone surrogate \\ud800 at character 4\)/],
      ['query($id: ID!) { concept(id: $id) { name } }', { id: '\udfff' }, /"id" is not well-formed Unicode/],
      ['query($key: ID!) { sentence(key: $key) { text } }', { key: 'a\ud800#0' }, /"key" is not well-formed Unicode/],
      ['query($t: ID!) { edge(source: "KGQA:0001", target: $t) { rank } }', { t: 'x\udbff' }, /"target" is not well-formed Unicode/],
    ];
    for (const [query, variables, message] of cases) {
      const response = await graphql(server.url, query, variables);
      expect(response.errors?.[0].extensions?.code, query).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toMatch(message);
    }
  });

  it('reports malformed queries with a GraphQL error code', async () => {
    const response = await graphql(server.url, '{ search(text: 12) { nope } }');
    expect(response.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('pages through a concept\'s edges with cursors', async () => {
    const query = `query($after: String) { concept(id: "KGQA:0001") { name edges(first: 3, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { rank target { id } } } } } }`;
    const first = await graphql(server.url, query);
    expect(first.errors).toBeUndefined();
    const page1 = first.data.concept.edges;
    expect(page1.edges).toHaveLength(3);
    expect(page1.pageInfo.hasNextPage).toBe(page1.totalCount > 3);
    const second = await graphql(server.url, query, { after: page1.pageInfo.endCursor });
    const page2 = second.data.concept.edges;
    const ranks = [...page1.edges, ...page2.edges].map((e: { node: { rank: number } }) => e.node.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    const targets = new Set([...page1.edges, ...page2.edges].map((e: { node: { target: { id: string } } }) => e.node.target.id));
    expect(targets.size).toBe(page1.edges.length + page2.edges.length);
  });

  it('ingests documents through the mutation, accepting and rejecting each on its own', async () => {
    const before = await fetchStats(server.url);
    const mutation = `mutation($docs: [DocumentInput!]!) { ingest(documents: $docs) {
      accepted { id outcome sentences } rejected { id origin reason } stats { articles } } }`;
    const docs = [
      { id: 'api-doc-1', title: 'Camels and MERS', year: 2014, text: 'Dromedary camels carry MERS-CoV. The coronavirus spreads to humans.' },
      { id: 'bad id with spaces', text: 'Text.' },
      { id: 'api-doc-2', text: '   ' },
    ];
    const response = await graphql(server.url, mutation, { docs }, AUTHORIZED);
    expect(response.errors).toBeUndefined();
    const result = response.data.ingest;
    expect(result.accepted).toEqual([{ id: 'api-doc-1', outcome: 'CREATED', sentences: 2 }]);
    expect(result.rejected.map((r: { origin: string }) => r.origin)).toEqual(['documents[1]', 'documents[2]']);
    expect(result.rejected[0].reason).toMatch(/invalid id/);
    expect(result.rejected[1].reason).toMatch(/no text/);
    expect(result.stats.articles).toBe(before.articles + 1);

    const again = await graphql(server.url, mutation, { docs: docs.slice(0, 1) }, AUTHORIZED);
    expect(again.data.ingest.accepted[0].outcome).toBe('UNCHANGED');
    const article = await graphql(server.url, '{ article(id: "api-doc-1") { year sentences { edges { node { concepts { name } } } } } }');
    expect(article.data.article.year).toBe(2014);
    const names = article.data.article.sentences.edges.flatMap((e: { node: { concepts: { name: string }[] } }) =>
      e.node.concepts.map((c) => c.name),
    );
    expect(names).toEqual(expect.arrayContaining(['Dromedary camel', 'MERS coronavirus', 'Coronavirus']));
  });

  it('opens GraphiQL for a browser, with every asset served locally', async () => {
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/'), asset).toBe(true);
      const response = await fetch(new URL(asset, server.url));
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    const api = await fetch(`${server.url}?query=${encodeURIComponent('{ stats { articles } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect((await api.json()).data.stats.articles).toBeGreaterThan(0);
  });
});

describe('the ingest mutation on Redis', () => {
  let redis: RedisProcess;
  let store: RedisStore;
  let preparer: ArticlePreparer;
  let server: RunningServer;

  beforeAll(async () => {
    redis = await startRedis();
    store = await RedisStore.open(`redis://127.0.0.1:${redis.port}`, { articleLimits: { sentences: 2, characters: 1000 } });
    preparer = await ArticlePreparer.start({ vocabularies: [join(seedDir, 'vocabulary.tsv')] });
    server = await createApp({ store, preparer }).listen({ port: 0, apiKey: API_KEY });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([store?.close(), preparer?.close()]);
    await redis?.stop();
  });

  it('rejects a document larger than the store takes like any other, and stores the rest', async () => {
    const mutation = `mutation($docs: [DocumentInput!]!) { ingest(documents: $docs) {
      accepted { id outcome sentences } rejected { id origin reason } stats { articles } } }`;
    const docs = [
      { id: 'fits', text: 'Dromedary camels carry MERS-CoV. The coronavirus spreads to humans.' },
      { id: 'too-long', text: 'Camels carry MERS-CoV. It spreads. Bats carry it too.' },
      { id: 'too-wide', text: `Camels carry MERS-CoV ${'and more '.repeat(120)}.` },
    ];
    const response = await graphql(server.url, mutation, { docs }, AUTHORIZED);
    expect(response.errors).toBeUndefined();
    expect(response.data.ingest).toEqual({
      accepted: [{ id: 'fits', outcome: 'CREATED', sentences: 2 }],
      rejected: [
        { id: 'too-long', origin: 'documents[1]', reason: '3 sentences, more than the 2 a document may have on the redis store' },
        { id: 'too-wide', origin: 'documents[2]', reason: '1,103 characters of text, more than the 1,000 a document may have on the redis store' },
      ],
      stats: { articles: 1 },
    });
  });
});
