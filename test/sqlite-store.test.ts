import { describe, expect, it } from 'vitest';
import { indexTerms } from '../src/text/index-terms.js';
import { sentenceKey, type SentenceRecord } from '../src/domain.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { PreparedArticle } from '../src/store/store.js';
import { temporaryDir } from './support/cli.js';

/** A hand-built article: each sentence lists the concepts it mentions, one character apart. */
function article(id: string, year: number | null, sentences: string[][], hash = id): PreparedArticle {
  const records: SentenceRecord[] = sentences.map((conceptIds, position) => ({
    key: sentenceKey(id, position),
    articleId: id,
    position,
    text: conceptIds.join(' '),
    start: position * 100,
    end: position * 100 + 50,
    conceptIds,
    mentions: conceptIds.map((conceptId, i) => ({ conceptId, start: i * 10, end: i * 10 + 5 })),
  }));
  const concepts: PreparedArticle['concepts'] = new Map();
  for (const id of sentences.flat()) concepts.set(id, { name: id.toUpperCase(), origin: 'corpus', surfaceForms: [id] });
  return { article: { id, title: id, year, sentenceCount: records.length, contentHash: hash }, sentences: records, concepts, terms: records.map((r) => indexTerms(r.text)) };
}

describe('SqliteStore', () => {
  it('counts concept ranks and edge ranks from sentences', async () => {
    const store = await SqliteStore.open();
    await store.writeArticle(article('a1', 2003, [['x', 'y'], ['x', 'y', 'z'], ['z']]));
    await store.writeArticle(article('a2', 2010, [['x', 'z']]));
    const [x, y, z] = await store.getConcepts(['x', 'y', 'z']);
    expect([x?.rank, y?.rank, z?.rank]).toEqual([3, 2, 3]);
    const [xy, xz, yz] = await store.getEdges([
      { source: 'x', target: 'y' },
      { source: 'x', target: 'z' },
      { source: 'y', target: 'z' },
    ]);
    expect(xy).toMatchObject({ rank: 2, years: [2003] });
    expect(xz).toMatchObject({ rank: 2, years: [2003, 2010] });
    expect(yz).toMatchObject({ rank: 1, years: [2003] });
    expect(await store.stats()).toEqual({ articles: 2, sentences: 4, concepts: 3, edges: 3 });
    const [edges] = await store.conceptEdges([{ conceptId: 'x', page: { offset: 0, limit: 10 } }]);
    expect(edges.total).toBe(2);
    expect(edges.items.map((e) => e.rank)).toEqual([2, 2]);
  });

  it('ranks an edge\'s sentences by how close the two mentions are', async () => {
    const store = await SqliteStore.open();
    // In the first sentence x and z are two mentions apart; in the second they are adjacent.
    await store.writeArticle(article('a1', null, [['x', 'y', 'z'], ['x', 'z']]));
    const [ranked] = await store.edgeSentences([{ edge: { source: 'x', target: 'z' }, limit: 5 }]);
    expect(ranked.map((s) => s.key)).toEqual(['a1#1', 'a1#0']);
    expect(ranked[0].score).toBeGreaterThan(ranked[1].score);
  });

  it('replaces an article as a whole and ignores an unchanged one', async () => {
    const store = await SqliteStore.open();
    expect(await store.writeArticle(article('a1', 2003, [['x', 'y']]))).toBe('created');
    const before = await store.stats();
    expect(await store.writeArticle(article('a1', 2003, [['x', 'y']]))).toBe('unchanged');
    expect(await store.stats()).toEqual(before);
    expect(await store.writeArticle(article('a1', 2004, [['y', 'z']], 'v2'))).toBe('replaced');
    expect(await store.stats()).toEqual({ articles: 1, sentences: 1, concepts: 2, edges: 1 });
    const [x, xy, yz] = [
      ...(await store.getConcepts(['x'])),
      ...(await store.getEdges([{ source: 'x', target: 'y' }, { source: 'y', target: 'z' }])),
    ];
    expect(x).toBeNull();
    expect(xy).toBeNull();
    expect(yz).toMatchObject({ rank: 1, years: [2004] });
  });

  it('survives a restart: every write is in its database file', async () => {
    const dataDir = temporaryDir();
    const first = await SqliteStore.open({ dataDir });
    await first.writeArticle(article('a1', 2003, [['x', 'y'], ['y', 'z']]));
    await first.close();
    const second = await SqliteStore.open({ dataDir });
    expect(await second.stats()).toEqual({ articles: 1, sentences: 2, concepts: 3, edges: 2 });
    expect((await second.getSentences(['a1#1']))[0]?.conceptIds).toEqual(['y', 'z']);
    expect(await second.articleHashes(['a1', 'nope'])).toEqual(['a1', null]);
  });
});
