/**
 * Global object identification, checked with real clients: Apollo Client's InMemoryCache normalizes `ask` and `search`
 * results with no type policies, `node(id:)` fetches every object again by its id, and relay-compiler accepts the
 * schema and the queries of a Relay app (test/relay/).
 */
import { ApolloClient, HttpLink, InMemoryCache, gql, type NormalizedCacheObject } from '@apollo/client';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { graphql, repoRoot, temporaryDir } from './support/cli.js';
import { startSeedServer, type SeedServer } from './support/seed-server.js';

/** The types that implement Node: each must be stored once, by id, and referenced everywhere else. */
const NODE_TYPES = ['Concept', 'Edge', 'Sentence', 'Passage', 'Article'];

const SENTENCE = 'id key text start end position article { id title } concepts { id name } mentions { start end concept { id name } }';
const EDGE = `id rank weight years source { id name rank } target { id name rank } sentences(first: 3) { ${SENTENCE} }`;
const ASK = gql`
  query Ask($question: String!) {
    ask(question: $question, limit: 5) {
      question
      concepts { id name rank origin }
      candidates { id key text article { id title year sentenceCount } sentences { ${SENTENCE} } }
      answers { text score start end cached passage { id key } sentence { ${SENTENCE} } spans { start end sentence { id key } } edge { ${EDGE} } }
    }
  }
`;
const SEARCH = gql`
  query Search($text: String!) {
    search(text: $text, limit: 20) {
      years
      concepts { id name rank edges(first: 5) { totalCount edges { cursor node { ${EDGE} } } } }
      links { ${EDGE} }
    }
  }
`;

/** Every object of a Node type found inside `value` that is not a reference: what the cache failed to normalize. */
function embeddedNodes(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => embeddedNodes(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  const here = typeof object.__typename === 'string' && NODE_TYPES.includes(object.__typename) ? [`${path} (${object.__typename})`] : [];
  return [...here, ...Object.entries(object).flatMap(([key, child]) => embeddedNodes(child, `${path}.${key}`))];
}

describe('global object identification over HTTP (seed corpus, tiny generated model)', () => {
  let seed: SeedServer;

  beforeAll(async () => {
    seed = await startSeedServer();
  });
  afterAll(async () => {
    await seed?.close();
  });

  it("Apollo Client's InMemoryCache normalizes ask and search results with no type policies", async () => {
    const warnings = [vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')];
    try {
      const client = new ApolloClient({ link: new HttpLink({ uri: seed.server.url }), cache: new InMemoryCache() });
      const asked = await client.query({ query: ASK, variables: { question: 'Which receptor does the coronavirus spike protein bind?' } });
      expect(asked.error).toBeUndefined();
      expect(asked.data?.ask.answers.length).toBeGreaterThan(0);
      const searched = await client.query({ query: SEARCH, variables: { text: 'coronavirus receptor ACE2 spike protein bats' } });
      expect(searched.data?.search.links.length).toBeGreaterThan(0);

      const stored = client.cache.extract() as NormalizedCacheObject;
      const { ROOT_QUERY, ...entities } = stored;
      for (const type of NODE_TYPES) expect(Object.keys(entities).filter((id) => id.startsWith(`${type}:`)).length, type).toBeGreaterThan(0);
      expect(Object.keys(entities).every((id) => NODE_TYPES.some((type) => id.startsWith(`${type}:`)))).toBe(true);
      // Nothing of a Node type is stored inside another object: each is one entry, referenced.
      expect(Object.entries(stored).flatMap(([id, fields]) => Object.entries(fields ?? {}).flatMap(([field, value]) => embeddedNodes(value, `${id}.${field}`)))).toEqual([]);
      // The same edge reached by ask and by search is one entry.
      const askEdges = asked.data!.ask.answers.flatMap((a: { edge: { id: string } | null }) => (a.edge ? [a.edge.id] : []));
      const searchEdges = searched.data!.search.links.map((l: { id: string }) => l.id);
      for (const id of [...askEdges, ...searchEdges]) expect(stored[`Edge:${id}`], id).toBeDefined();
      for (const spy of warnings) expect(spy.mock.calls).toEqual([]);
    } finally {
      for (const spy of warnings) spy.mockRestore();
    }
  });

  it('node(id:) fetches every kind of object again by the id it was served with', async () => {
    const found = await graphql(
      seed.server.url,
      `{ search(text: "coronavirus spike protein ACE2") { links { id source { id } sentences(first: 1) { id article { id } } } } }`,
    );
    const link = found.data.search.links[0];
    const sentence = link.sentences[0];
    const articleId: string = sentence.article.id;
    const passageId = `${articleId}#0-1`;
    const ids = [link.id, link.source.id, sentence.id, articleId, passageId];
    const query = `query($id: ID!) { node(id: $id) { __typename id ... on Sentence { start end text } ... on Passage { sentences { id } } } }`;
    const nodes = await Promise.all(ids.map(async (id) => (await graphql(seed.server.url, query, { id })).data.node));
    expect(nodes.map((n) => [n.__typename, n.id])).toEqual([
      ['Edge', link.id],
      ['Concept', link.source.id],
      ['Sentence', sentence.id],
      ['Article', articleId],
      ['Passage', passageId],
    ]);
    expect(nodes[4].sentences.map((s: { id: string }) => s.id)).toEqual([`${articleId}#0`, `${articleId}#1`]);
    // start/end are offsets of the sentence in its article's text.
    const text = seed.documents.flatMap((d) => ('document' in d && d.document.id === articleId ? [d.document.paragraphs.join('\n\n')] : []))[0];
    expect(text.slice(nodes[2].start, nodes[2].end)).toBe(nodes[2].text);
    // An edge's id is the same whichever way round it was asked for.
    const [source, target] = link.id.split('\t');
    const reversed = await graphql(seed.server.url, `query($s: ID!, $t: ID!) { edge(source: $s, target: $t) { id } }`, { s: target, t: source });
    expect(reversed.data.edge.id).toBe(link.id);
    for (const missing of ['no-such-id', `${articleId}#100000`, `${articleId}#0-100000`, 'a\tb', 'a\tb\tc']) {
      const response = await graphql(seed.server.url, query, { id: missing });
      expect(response.errors, missing).toBeUndefined();
      expect(response.data.node, missing).toBeNull();
    }
  });
});

describe('relay-compiler', () => {
  it('accepts the schema and the queries of a Relay app (test/relay), offline', async () => {
    const app = temporaryDir('kgqa-relay-');
    cpSync(join(repoRoot, 'test', 'relay'), app, { recursive: true });
    writeFileSync(
      join(app, 'relay.config.json'),
      JSON.stringify({ src: './src', schema: join(repoRoot, 'schema', 'schema.graphql'), language: 'typescript', artifactDirectory: './src/__generated__' }),
    );
    mkdirSync(join(app, 'src', '__generated__'));
    const compiler = join(repoRoot, 'node_modules', 'relay-compiler', 'cli.js');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [compiler], { cwd: app, env: { ...process.env, NO_COLOR: '1' } });
    expect(`${stdout}${stderr}`).not.toMatch(/error/i);
    const artifacts = readdirSync(join(app, 'src', '__generated__'));
    // Each @refetchable fragment got its refetch query through node(id:).
    for (const name of ['EdgeViewRefetchQuery.graphql.ts', 'SentenceViewRefetchQuery.graphql.ts', 'AskViewQuery.graphql.ts', 'SearchViewQuery.graphql.ts']) {
      expect(artifacts).toContain(name);
    }
  });
});
