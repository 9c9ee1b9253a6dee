/** Search (src/graph/search.ts) on a graph small enough to reason about. */
import { beforeAll, describe, expect, it } from 'vitest';
import { edgeWeight, searchGraph, specificity, type GraphSearchResult } from '../src/graph/search.js';
import { craftedGraph, type CraftedGraph } from './support/crafted-graph.js';

const CONCEPTS = ['protease', 'dimer', 'zinc', 'humans'];
/**
 * 11 sentences. Ranks: humans 9 (ubiquitous), protease 4, zinc 3, dimer 2. Edges: protease–humans 3,
 * protease–zinc 2, and rank 1 each: dimer–protease, dimer–humans, humans–zinc, and dimer–zinc (the only one of 2020).
 */
const ARTICLES = [
  {
    id: 'p',
    year: 2003,
    sentences: [
      'In humans the protease is a dimer.',
      'The protease binds zinc.',
      'In humans the protease binds zinc.',
      'The protease of humans.',
      ...['cough', 'fever', 'sneeze', 'ache', 'tire', 'recover'].map((verb) => `Some humans ${verb}.`),
    ],
  },
  { id: 'q', year: 2020, sentences: ['The dimer holds zinc.'] },
];
const links = (result: GraphSearchResult) => result.links.map((link) => [link.source, link.target]);

describe('searchGraph', () => {
  let graph: CraftedGraph;

  beforeAll(async () => {
    graph = await craftedGraph(ARTICLES, CONCEPTS);
  });

  it('lists links among the concepts named first, then the neighbours by weight, each read from the concept named', async () => {
    const result = await searchGraph(graph.reads(), 'protease dimer', null, 10);
    expect(result.concepts.map((c) => c.id)).toEqual(['protease', 'dimer']);
    expect(links(result)).toEqual([
      ['dimer', 'protease'],
      // Rank 2 to a specific concept outweighs rank 3 to one in 9 of 11 sentences.
      ['protease', 'zinc'],
      ['protease', 'humans'],
      ['dimer', 'zinc'],
      ['dimer', 'humans'],
    ]);
    // Stored as humans–protease (canonical order), read from the protease that was asked about.
    expect(result.links[2]).toMatchObject({ source: 'protease', target: 'humans', rank: 3, years: [2003] });
  });

  it('keeps the best `limit` links, and reads no edge for limit 0', async () => {
    const all = await searchGraph(graph.reads(), 'protease dimer', null, 10);
    expect(await searchGraph(graph.reads(), 'protease dimer', null, 2)).toEqual({ concepts: all.concepts, links: all.links.slice(0, 2) });
    expect(await searchGraph(graph.reads(), 'protease dimer', null, 0)).toEqual({ concepts: all.concepts, links: [] });
  });

  it('keeps only links with an article of the given years', async () => {
    expect(links(await searchGraph(graph.reads(), 'protease dimer', [2020], 10))).toEqual([['dimer', 'zinc']]);
    expect(links(await searchGraph(graph.reads(), 'protease dimer', [1999, 2020], 10))).toEqual([['dimer', 'zinc']]);
    expect(links(await searchGraph(graph.reads(), 'protease dimer', [], 10))).toHaveLength(5);
  });

  it('finds nothing for a text naming no stored concept', async () => {
    expect(await searchGraph(graph.reads(), 'bananas', null, 10)).toEqual({ concepts: [], links: [] });
  });
});

describe('edge weight', () => {
  it('is the rank times the specificity ln(1 + sentences / rank) of both ends', () => {
    expect(specificity(11, 11)).toBeCloseTo(Math.LN2, 12);
    expect(specificity(1, 99)).toBeCloseTo(Math.log(100), 12);
    expect(specificity(0, 99)).toBe(specificity(1, 99));
    const edge = { source: 'a', target: 'b', rank: 3, years: [] };
    const concept = (id: string, rank: number) => ({ id, name: id, rank, origin: 'corpus' as const, surfaceForms: [] });
    expect(edgeWeight(edge, concept('a', 4), concept('b', 9), 11)).toBeCloseTo(3 * Math.log(1 + 11 / 4) * Math.log(1 + 11 / 9), 12);
    // An end missing from the store counts as rank 1.
    expect(edgeWeight(edge, null, null, 11)).toBeCloseTo(3 * Math.log(12) ** 2, 12);
  });
});
