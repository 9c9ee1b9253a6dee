/** `exclude` on search, ask and Concept.edges, over HTTP on the seed corpus. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './support/cli.js';
import { startSeedServer, type SeedServer } from './support/seed-server.js';

interface EdgeEnds {
  source: { id: string };
  target: { id: string };
}
const ends = (edge: EdgeEnds | null) => (edge ? [edge.source.id, edge.target.id] : []);

const SEARCH = `query($text: String!, $exclude: [ID!]) { search(text: $text, exclude: $exclude) { concepts { id } links { source { id } target { id } } } }`;
const ASK = `query($q: String!, $exclude: [ID!]) { ask(question: $q, limit: 20, exclude: $exclude) {
  concepts { id } candidates { key } answers { cached passage { key } edge { source { id } target { id } } } } }`;
const EDGES = `query($id: ID!, $first: Int, $after: String, $exclude: [ID!]) { concept(id: $id) {
  edges(first: $first, after: $after, exclude: $exclude) { totalCount pageInfo { hasNextPage endCursor } edges { node { target { id } } } } } }`;

describe('exclude (seed corpus, tiny generated model)', () => {
  let seed: SeedServer;
  let url: string;

  beforeAll(async () => {
    seed = await startSeedServer();
    url = seed.server.url;
  });
  afterAll(async () => {
    await seed?.close();
  });

  it('search leaves the excluded concepts out of its concepts and links', async () => {
    const text = 'coronavirus spike protein binds ACE2';
    const all = (await graphql(url, SEARCH, { text })).data.search;
    const hidden = all.concepts[0].id;
    expect(all.links.flatMap(ends)).toContain(hidden);
    const response = await graphql(url, SEARCH, { text, exclude: [hidden, 'no-such-concept'] });
    expect(response.errors).toBeUndefined();
    const { concepts, links } = response.data.search;
    expect(concepts.map((c: { id: string }) => c.id)).not.toContain(hidden);
    expect(links.length).toBeGreaterThan(0);
    expect(links.flatMap(ends)).not.toContain(hidden);
  });

  it("pages a concept's edges without the excluded ones, cursors chaining as without exclusions", async () => {
    const id = 'KGQA:0001';
    const all = (await graphql(url, EDGES, { id, first: 100 })).data.concept.edges;
    const targets: string[] = all.edges.map((e: { node: { target: { id: string } } }) => e.node.target.id);
    expect(targets.length).toBeGreaterThan(6);
    const exclude = [targets[1], targets[2], targets[5], targets.at(-1)!];
    const expected = targets.filter((t) => !exclude.includes(t));
    const paged: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(expected.length);
      const page: any = (await graphql(url, EDGES, { id, first: 2, after, exclude })).data.concept.edges;
      expect(page.totalCount).toBe(expected.length);
      paged.push(...page.edges.map((e: { node: { target: { id: string } } }) => e.node.target.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(expected);
  });

  it("ask never reaches a passage through an excluded concept's edges, cached answers included", async () => {
    const q = 'Which receptor does the coronavirus spike protein bind?';
    const first = (await graphql(url, ASK, { q })).data.ask;
    const hidden = first.answers.flatMap((a: { edge: EdgeEnds | null }) => ends(a.edge))[0];
    expect(hidden).toBeDefined();
    // Asked again with the concept excluded: the answers read before come from the cache, without its edges.
    const response = await graphql(url, ASK, { q, exclude: [hidden] });
    expect(response.errors).toBeUndefined();
    const excluded = response.data.ask;
    expect(excluded.concepts.map((c: { id: string }) => c.id)).not.toContain(hidden);
    expect(excluded.answers.length).toBeGreaterThan(0);
    expect(excluded.answers.some((a: { cached: boolean }) => a.cached)).toBe(true);
    expect(excluded.answers.flatMap((a: { edge: EdgeEnds | null }) => ends(a.edge))).not.toContain(hidden);
    // And without the exclusion, the edges are back (the cache does not remember an exclusion).
    const again = (await graphql(url, ASK, { q })).data.ask;
    expect(again.answers.flatMap((a: { edge: EdgeEnds | null }) => ends(a.edge))).toContain(hidden);
  });

  it('refuses too many excluded concepts with BAD_USER_INPUT', async () => {
    const exclude = Array.from({ length: 201 }, (_, i) => `c${i}`);
    for (const [query, variables] of [
      [SEARCH, { text: 'spike', exclude }],
      [EDGES, { id: 'KGQA:0001', exclude }],
    ] as const) {
      const response = await graphql(url, query, variables);
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toMatch(/"exclude" must hold at most 200/);
    }
  });
});
