/** Retrieval (src/pipeline/retrieve.ts) and its lexical ranking, on a graph small enough to reason about. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SentenceRecord } from '../src/domain.js';
import { rankLexically, terms } from '../src/pipeline/lexical-rank.js';
import { RetrievalMemo } from '../src/pipeline/retrieval-memo.js';
import { retrieveCandidates, type Retrieval } from '../src/pipeline/retrieve.js';
import { craftedArticle, craftedGraph, type CraftedGraph } from './support/crafted-graph.js';

const CONCEPTS = ['protease', 'dimer', 'inhibitor', 'ferret'];
const ARTICLES = [
  {
    id: 'a',
    year: 2003,
    sentences: [
      'The protease forms a dimer in solution.',
      'A protease dimer binds the inhibitor tightly.',
      'Ferret studies used the inhibitor.',
      'The protease cleaves polyproteins.',
    ],
  },
  { id: 'b', year: 2020, sentences: ['The dimer interface of the protease is small.', 'Ferret models of infection.'] },
];
const QUESTION = 'Which inhibitor binds the protease dimer?';
const keys = (retrieval: Retrieval) => retrieval.candidates.map((c) => c.sentence.key);

describe('retrieveCandidates', () => {
  let graph: CraftedGraph;

  beforeAll(async () => {
    graph = await craftedGraph(ARTICLES, CONCEPTS);
  });

  it('gathers the sentences around the question concepts and ranks the one naming them all, with its terms, first', async () => {
    const retrieval = await retrieveCandidates(graph.reads(), QUESTION, { candidates: 20, years: null });
    expect(retrieval.corpusVersion).toBe(await graph.store.corpusVersion());
    expect(retrieval.concepts.map((c) => c.id).sort()).toEqual(['dimer', 'inhibitor', 'protease']);
    // "Ferret models of infection." names no question concept and lies on no edge of one: never reached.
    expect(keys(retrieval).sort()).toEqual(['a#0', 'a#1', 'a#2', 'a#3', 'b#0']);
    expect(keys(retrieval)[0]).toBe('a#1');
    const scores = retrieval.candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });

  it('tells through which edge each sentence was reached, or none when a concept alone led to it', async () => {
    const retrieval = await retrieveCandidates(graph.reads(), QUESTION, { candidates: 20, years: null });
    const via = new Map(retrieval.candidates.map((c) => [c.sentence.key, c.edge]));
    // Only the protease mentions "The protease cleaves polyproteins.": it is read because the concept is rare.
    expect(via.get('a#3')).toBeNull();
    // The ferret sentence comes through the inhibitor's neighbour edge to ferret.
    expect(via.get('a#2')).toEqual({ source: 'ferret', target: 'inhibitor' });
    for (const key of ['a#0', 'a#1', 'b#0']) {
      const edge = via.get(key)!;
      expect(edge.source < edge.target).toBe(true);
      expect(['dimer', 'inhibitor', 'protease']).toContain(edge.source);
      expect(['dimer', 'inhibitor', 'protease']).toContain(edge.target);
    }
  });

  it('keeps the best `candidates` only', async () => {
    const all = await retrieveCandidates(graph.reads(), QUESTION, { candidates: 20, years: null });
    const top = await retrieveCandidates(graph.reads(), QUESTION, { candidates: 2, years: null });
    expect(top.candidates).toEqual(all.candidates.slice(0, 2));
    const none = await retrieveCandidates(graph.reads(), QUESTION, { candidates: 0, years: null });
    expect(none.candidates).toEqual([]);
    expect(none.concepts).toEqual(all.concepts);
  });

  it('keeps edges of the given years, and sentences reached through a concept alone by their article year', async () => {
    // protease–dimer is the only edge with a 2020 article; "The protease cleaves…" (2003) is reached by concept.
    const recent = await retrieveCandidates(graph.reads(), QUESTION, { candidates: 20, years: [2020] });
    expect(keys(recent)).toEqual(['b#0']);
    const old = await retrieveCandidates(graph.reads(), QUESTION, { candidates: 20, years: [2003] });
    expect(keys(old).sort()).toEqual(['a#0', 'a#1', 'a#2', 'a#3']);
    expect(keys(await retrieveCandidates(graph.reads(), QUESTION, { candidates: 20, years: [] })).sort()).toEqual(['a#0', 'a#1', 'a#2', 'a#3', 'b#0']);
  });

  it('finds nothing when the question names no stored concept', async () => {
    const retrieval = await retrieveCandidates(graph.reads(), 'What colour are bananas?', { candidates: 20, years: null });
    expect(retrieval.concepts).toEqual([]);
    expect(retrieval.candidates).toEqual([]);
  });

  it('retrieves a question once per corpus version with a memo', async () => {
    const own = await craftedGraph(ARTICLES, CONCEPTS);
    const memo = new RetrievalMemo<Retrieval>();
    const options = { candidates: 20, years: null };
    const [first, concurrent] = await Promise.all([
      retrieveCandidates(own.reads(), QUESTION, options, memo),
      retrieveCandidates(own.reads(), QUESTION, options, memo),
    ]);
    expect(concurrent).toBe(first);
    expect(await retrieveCandidates(own.reads(), QUESTION, options, memo)).toBe(first);
    expect(await retrieveCandidates(own.reads(), QUESTION, { ...options, candidates: 1 }, memo)).not.toBe(first);
    await own.store.writeArticle(craftedArticle({ id: 'c', year: 2021, sentences: ['An inhibitor of the protease dimer binds.'] }, CONCEPTS));
    const after = await retrieveCandidates(own.reads(), QUESTION, options, memo);
    expect(after.corpusVersion).not.toBe(first.corpusVersion);
    expect(keys(after)).toContain('c#0');
  });
});

describe('lexical ranking', () => {
  const sentence = (key: string, text: string, conceptIds: string[] = []): SentenceRecord => ({
    key,
    articleId: key.split('#')[0],
    position: Number(key.split('#')[1]),
    text,
    start: 0,
    end: text.length,
    conceptIds,
    mentions: [],
  });
  const reached = (sentences: SentenceRecord[], edgeScore = 0) => new Map(sentences.map((s) => [s.key, { edge: null, edgeScore }]));

  it('lowercases, splits on anything but letters and digits, and drops a plural s from longer words', () => {
    expect(terms('Proteinases cut nsp12/nsp7; SARS-CoV-2 has 3 genes')).toEqual(['proteinase', 'cut', 'nsp12', 'nsp7', 'sars', 'cov', '2', 'has', '3', 'gene']);
  });

  it('weighs a question term by how rare it is in the pool', () => {
    const pool = [
      sentence('x#0', 'the zinc site'),
      sentence('x#1', 'the common word'),
      sentence('x#2', 'the common thing'),
      sentence('x#3', 'nothing shared'),
    ];
    const ranked = rankLexically('zinc common', [], pool, reached(pool));
    expect(ranked.map((r) => r.sentence.key)).toEqual(['x#0', 'x#1', 'x#2', 'x#3']);
    expect(ranked[0].score).toBeGreaterThan(ranked[1].score);
    // Equal scores keep key order.
    expect(ranked[1].score).toBe(ranked[2].score);
    expect(ranked[3].score).toBe(0);
  });

  it('adds a bonus per question concept a sentence mentions, and a little of its edge score', () => {
    const pool = [sentence('y#0', 'alpha'), sentence('y#1', 'beta', ['c1']), sentence('y#2', 'gamma', ['c1', 'c2'])];
    const concepts = ['c1', 'c2'].map((id) => ({ id, name: id, rank: 1, origin: 'vocabulary' as const, surfaceForms: [id] }));
    const ranked = rankLexically('delta', concepts, pool, reached(pool));
    expect(ranked.map((r) => r.sentence.key)).toEqual(['y#2', 'y#1', 'y#0']);
    expect(ranked[0].score).toBe(2 * ranked[1].score);
    // An edge score (at most 1) adds less than one concept does.
    const withEdges = rankLexically('delta', concepts, pool, reached(pool, 1));
    withEdges.forEach((r, i) => {
      expect(r.score).toBeGreaterThan(ranked[i].score);
      expect(r.score - ranked[i].score).toBeLessThan(ranked[1].score);
    });
  });
});
