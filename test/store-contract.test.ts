import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postingImpact } from '../src/text/bm25.js';
import { indexTerms } from '../src/text/index-terms.js';
import { readInputs } from '../src/cli/ingest-command.js';
import { sentenceKey, type EdgeKey, type SentenceRecord, type SentenceTokens } from '../src/domain.js';
import { ArticlePreparer } from '../src/ingest/article-preparer.js';
import { toDocument } from '../src/ingest/documents.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { sentenceEdges } from '../src/store/cooccurrence.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { hashFields } from '../src/store/redis/records.js';
import { scanKeys } from '../src/store/redis/layout.js';
import { DEFAULT_ARTICLE_LIMITS, RedisStore, type RedisStoreOptions } from '../src/store/redis-store.js';
import type { GraphStore, PreparedArticle } from '../src/store/store.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot, runCli, temporaryDir } from './support/cli.js';
import { redisInfo } from './support/redis-cluster.js';
import { redisServersForTests } from './support/redis-servers.js';

const redis = redisServersForTests('contract');
/**
 * Every test gets an empty store: the embedded store in memory (writes on the calling thread) and in a file (writes
 * on its writer thread), or a fresh key namespace on the shared servers.
 */
const redisBackends = redis.targets.map(({ name, url }) => ({ name, open: (options?: RedisStoreOptions) => redis.open(url(), options) }));
const backends: { name: string; open: () => Promise<GraphStore> }[] = [
  { name: 'sqlite in memory', open: () => SqliteStore.open() },
  { name: 'sqlite file', open: () => SqliteStore.open({ dataDir: temporaryDir() }) },
  ...redisBackends,
];

const SLOT_WIDTH = 10;

/** docs/redis-keys.md, "Deleting a namespace": the same commands, with $PORT and $NS. */
const SINGLE_DELETE_RECIPE = `redis-cli -p "$PORT" --scan --pattern "$NS:*" | xargs -r redis-cli -p "$PORT" unlink`;
const CLUSTER_DELETE_RECIPE = `redis-cli -p "$PORT" --scan --pattern "$NS:*" | sed 's/^/UNLINK /' | redis-cli -p "$PORT"`;

async function sh(script: string, env: Record<string, string>): Promise<void> {
  await promisify(execFile)('sh', ['-c', script], { env: { ...process.env, ...env } });
}

/**
 * A hand-built article. Each sentence is a row of 10-character slots naming the concept mentioned there
 * ('' leaves a slot empty), so two mentions in adjacent slots are 5 characters apart.
 */
function article(id: string, year: number | null, sentences: string[][], tokens?: Map<string, SentenceTokens>): PreparedArticle {
  const records: SentenceRecord[] = sentences.map((slots, position) => {
    const mentions = slots.flatMap((conceptId, slot) => (conceptId ? [{ conceptId, start: slot * SLOT_WIDTH, end: slot * SLOT_WIDTH + 5 }] : []));
    return {
      key: sentenceKey(id, position),
      articleId: id,
      position,
      text: slots.map((slot) => (slot || '-').padEnd(SLOT_WIDTH)).join(''),
      start: position * 1000,
      end: position * 1000 + slots.length * SLOT_WIDTH,
      conceptIds: [...new Set(mentions.map((m) => m.conceptId))],
      mentions,
    };
  });
  const concepts: PreparedArticle['concepts'] = new Map();
  for (const conceptId of sentences.flat().filter(Boolean)) {
    concepts.set(conceptId, { name: conceptId.toUpperCase(), origin: 'corpus', surfaceForms: [conceptId, `${conceptId} in ${id}`] });
  }
  const contentHash = JSON.stringify([id, year, sentences]);
  return { article: { id, title: `Title of ${id}`, year, sentenceCount: records.length, contentHash }, sentences: records, concepts, terms: records.map((r) => indexTerms(r.text)), tokens };
}

/** An article of plain sentences, no concepts: what the text index holds. */
function textArticle(id: string, texts: string[], version = 'v1'): PreparedArticle {
  const sentences: SentenceRecord[] = texts.map((text, position) => ({
    key: sentenceKey(id, position),
    articleId: id,
    position,
    text,
    start: position * 100,
    end: position * 100 + text.length,
    conceptIds: [],
    mentions: [],
  }));
  return {
    article: { id, title: id, year: null, sentenceCount: texts.length, contentHash: `${id}:${version}` },
    sentences,
    concepts: new Map(),
    terms: texts.map(indexTerms),
  };
}

const edge = (source: string, target: string): EdgeKey => ({ source, target });
const page = (offset: number, limit: number) => ({ offset, limit });

describe.each(backends)('GraphStore contract: $name', ({ open }) => {
  it('counts concept ranks, edge ranks and years, and the totals', async () => {
    const store = await open();
    await store.writeArticle(article('a1', 2003, [['x', 'y'], ['x', 'y', 'z'], ['z']]));
    await store.writeArticle(article('a2', 2010, [['x', 'z']]));
    await store.writeArticle(article('a3', null, [['y', 'z']]));
    const concepts = await store.getConcepts(['x', 'y', 'z', 'nope']);
    expect(concepts.map((c) => c && [c.id, c.name, c.rank, c.origin])).toEqual([
      ['x', 'X', 3, 'corpus'],
      ['y', 'Y', 3, 'corpus'],
      ['z', 'Z', 4, 'corpus'],
      null,
    ]);
    expect(await store.getEdges([edge('x', 'y'), edge('x', 'z'), edge('y', 'z'), edge('x', 'nope')])).toEqual([
      { source: 'x', target: 'y', rank: 2, years: [2003] },
      { source: 'x', target: 'z', rank: 2, years: [2003, 2010] },
      { source: 'y', target: 'z', rank: 2, years: [2003] },
      null,
    ]);
    expect(await store.stats()).toEqual({ articles: 3, sentences: 5, concepts: 3, edges: 3 });
  });

  it("ranks an edge's sentences by proximity, ties by key, up to a limit", async () => {
    const store = await open();
    const a1 = article('a1', 2001, [['x', '', '', 'z'], ['x', 'z'], ['z', 'x', '', 'x']]);
    const a0 = article('a0', 2002, [['x', '', 'z']]);
    await store.writeArticle(a1);
    await store.writeArticle(a0);
    const score = (sentence: SentenceRecord) => sentenceEdges(sentence)[0].score;
    const [ranked, top, none, missing] = await store.edgeSentences([
      { edge: edge('x', 'z'), limit: 10 },
      { edge: edge('x', 'z'), limit: 2 },
      { edge: edge('x', 'z'), limit: 0 },
      { edge: edge('x', 'nope'), limit: 5 },
    ]);
    expect(ranked).toEqual([
      { key: 'a1#1', score: score(a1.sentences[1]) },
      { key: 'a1#2', score: score(a1.sentences[2]) },
      { key: 'a0#0', score: score(a0.sentences[0]) },
      { key: 'a1#0', score: score(a1.sentences[0]) },
    ]);
    expect(ranked[0].score).toBe(ranked[1].score);
    expect(ranked[1].score).toBeGreaterThan(ranked[2].score);
    expect(ranked[2].score).toBeGreaterThan(ranked[3].score);
    expect(top).toEqual(ranked.slice(0, 2));
    expect(none).toEqual([]);
    expect(missing).toEqual([]);
  });

  it("pages a concept's edges by rank, ties by the other concept's id", async () => {
    const store = await open();
    await store.writeArticle(article('a1', 2001, [['h', 'a'], ['h', 'a'], ['h', 'a'], ['d', 'h'], ['h', 'c'], ['c', 'h', 'd']]));
    await store.writeArticle(article('a2', 2002, [['e', 'h'], ['b', 'h'], ['g', 'h']]));
    const [all, middle, empty, ofA, unknown] = await store.conceptEdges([
      { conceptId: 'h', page: page(0, 10) },
      { conceptId: 'h', page: page(1, 2) },
      { conceptId: 'h', page: page(0, 0) },
      { conceptId: 'a', page: page(0, 10) },
      { conceptId: 'nope', page: page(0, 10) },
    ]);
    expect(all.total).toBe(6);
    expect(all.items.map((e) => [e.source, e.target, e.rank])).toEqual([
      ['a', 'h', 3],
      ['c', 'h', 2],
      ['d', 'h', 2],
      ['b', 'h', 1],
      ['e', 'h', 1],
      ['g', 'h', 1],
    ]);
    expect(all.items[3].years).toEqual([2002]);
    expect(middle).toEqual({ total: 6, items: all.items.slice(1, 3) });
    expect(empty).toEqual({ total: 6, items: [] });
    expect(ofA).toEqual({ total: 1, items: [all.items[0]] });
    expect(unknown).toEqual({ total: 0, items: [] });
  });

  it("lists an article's sentences in document order, in pages", async () => {
    const store = await open();
    const long = article('long', 2020, Array.from({ length: 12 }, () => ['x']));
    await store.writeArticle(long);
    const [first, last, beyond, unknown] = await store.articleSentences([
      { articleId: 'long', page: page(0, 5) },
      { articleId: 'long', page: page(10, 5) },
      { articleId: 'long', page: page(20, 5) },
      { articleId: 'nope', page: page(0, 5) },
    ]);
    expect(first).toEqual({ total: 12, items: ['long#0', 'long#1', 'long#2', 'long#3', 'long#4'] });
    expect(last).toEqual({ total: 12, items: ['long#10', 'long#11'] });
    expect(beyond).toEqual({ total: 12, items: [] });
    expect(unknown).toEqual({ total: 0, items: [] });
  });

  it("lists a concept's sentence keys in key order, up to a limit", async () => {
    const store = await open();
    await store.writeArticle(article('b', 2020, Array.from({ length: 12 }, () => ['x'])));
    await store.writeArticle(article('a', 2020, [['y'], ['x']]));
    const [five, all, none, unknown] = await store.conceptSentences([
      { conceptId: 'x', limit: 5 },
      { conceptId: 'x', limit: 100 },
      { conceptId: 'x', limit: 0 },
      { conceptId: 'nope', limit: 5 },
    ]);
    const keys = ['a#1', ...Array.from({ length: 12 }, (_, i) => `b#${i}`)].sort();
    expect(all).toEqual(keys);
    expect(five).toEqual(['a#1', 'b#0', 'b#1', 'b#10', 'b#11']);
    expect(none).toEqual([]);
    expect(unknown).toEqual([]);
  });

  it('returns sentences as written and null for unknown or malformed keys', async () => {
    const store = await open();
    const a1 = article('a#1', 1999, [['x', 'y'], ['', 'y', 'x', 'y']]);
    await store.writeArticle(a1);
    expect(await store.getSentences(['a#1#1', 'a#1#0', 'a#1#2', 'a#1', 'a#1#x', 'a#1#01', 'nope#0'])).toEqual([
      a1.sentences[1],
      a1.sentences[0],
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(await store.getArticles(['a#1', 'nope'])).toEqual([a1.article, null]);
  });

  it('keeps sentence tokens, ignores tokens of missing sentences, and drops them with their article', async () => {
    const store = await open();
    const tokens = (n: number): SentenceTokens => ({ fingerprint: 'wp:1', ids: [101, n, 102], offsets: [0, 0, 0, 5, 5, 5] });
    await store.writeArticle(article('a1', 2000, [['x'], ['y']], new Map([['a1#0', tokens(7)]])));
    expect(await store.getSentenceTokens(['a1#0', 'a1#1', 'nope#0'])).toEqual([tokens(7), null, null]);
    await store.putSentenceTokens([
      ['a1#1', tokens(8)],
      ['a1#5', tokens(9)],
      ['nope#0', tokens(9)],
    ]);
    expect(await store.getSentenceTokens(['a1#0', 'a1#1', 'a1#5', 'nope#0'])).toEqual([tokens(7), tokens(8), null, null]);
    await store.writeArticle(article('a1', 2000, [['x'], ['z']]));
    expect(await store.getSentenceTokens(['a1#0', 'a1#1'])).toEqual([null, null]);
  });

  it('replaces an article as a whole, skips an unchanged one, and re-writing is idempotent', async () => {
    const store = await open();
    const v1 = article('a1', 2003, [['x', 'y'], ['y', 'z'], ['x']]);
    expect(await store.writeArticle(v1)).toBe('created');
    await store.writeArticle(article('a2', 2005, [['y', 'w']]));
    const before = await store.stats();
    const version = await store.corpusVersion();
    expect(await store.writeArticle(v1)).toBe('unchanged');
    expect(await store.stats()).toEqual(before);
    expect(await store.corpusVersion()).toBe(version);

    expect(await store.writeArticle(article('a1', 2004, [['y', 'z']]))).toBe('replaced');
    expect(await store.corpusVersion()).not.toBe(version);
    expect(await store.stats()).toEqual({ articles: 2, sentences: 2, concepts: 3, edges: 2 });
    expect(await store.getConcepts(['x', 'y', 'z', 'w'])).toMatchObject([null, { rank: 2 }, { rank: 1 }, { rank: 1 }]);
    expect(await store.getEdges([edge('x', 'y'), edge('y', 'z'), edge('w', 'y')])).toEqual([
      null,
      { source: 'y', target: 'z', rank: 1, years: [2004] },
      { source: 'w', target: 'y', rank: 1, years: [2005] },
    ]);
    expect(await store.getSentences(['a1#0', 'a1#1'])).toMatchObject([{ conceptIds: ['y', 'z'] }, null]);
    expect((await store.getArticles(['a1']))[0]).toMatchObject({ year: 2004, sentenceCount: 1 });
    expect(await store.conceptEdges([{ conceptId: 'y', page: page(0, 10) }])).toMatchObject([{ total: 2 }]);
    expect(await store.conceptSentences([{ conceptId: 'x', limit: 10 }])).toEqual([[]]);
  });

  it('keeps every surface form and serves the lexicon of the concepts still mentioned', async () => {
    const store = await open();
    await store.writeArticle(article('a1', 2000, [['x', 'y']]));
    await store.writeArticle(article('a2', 2000, [['x']]));
    expect((await store.getConcepts(['x']))[0]?.surfaceForms.sort()).toEqual(['x', 'x in a1', 'x in a2']);
    const byId = async () => (await store.lexicon()).map((e) => ({ ...e, forms: [...e.forms].sort() })).sort((a, b) => a.id.localeCompare(b.id));
    expect(await byId()).toEqual([
      { id: 'x', name: 'X', origin: 'corpus', forms: ['x', 'x in a1', 'x in a2'] },
      { id: 'y', name: 'Y', origin: 'corpus', forms: ['y', 'y in a1'] },
    ]);
    await store.writeArticle(article('a1', 2000, [['x']]));
    expect((await byId()).map((e) => e.id)).toEqual(['x']);
  });

  it('indexes sentence terms: postings best impact first, ties by key, with document frequencies and totals', async () => {
    const store = await open();
    const a1 = textArticle('a1', ['Fever and cough, fever again.', 'Cough medicine', 'Nothing to see']);
    const a0 = textArticle('a0', ['A cough in a long sentence about several other findings entirely']);
    await store.writeArticle(a1);
    await store.writeArticle(a0);
    const [cough, fever, seen, unknown, none] = await store.postings([
      { term: 'cough', limit: 10 },
      { term: 'fever', limit: 1 },
      { term: 'see', limit: 10 },
      { term: 'nope', limit: 10 },
      { term: 'cough', limit: 0 },
    ]);
    const impact = (article: PreparedArticle, position: number, term: string) => {
      const terms = article.terms[position];
      return postingImpact(terms.filter((t) => t === term).length, terms.length);
    };
    // "Cough medicine" is shorter than the first a1 sentence, so its one "cough" weighs more; a0's is longest.
    expect(cough).toEqual({
      documentFrequency: 3,
      postings: [
        { key: 'a1#1', impact: impact(a1, 1, 'cough') },
        { key: 'a1#0', impact: impact(a1, 0, 'cough') },
        { key: 'a0#0', impact: impact(a0, 0, 'cough') },
      ],
    });
    expect(impact(a1, 0, 'fever')).toBeGreaterThan(impact(a1, 0, 'cough'));
    expect(fever).toEqual({ documentFrequency: 1, postings: [{ key: 'a1#0', impact: impact(a1, 0, 'fever') }] });
    expect(seen.documentFrequency).toBe(1);
    expect(unknown).toEqual({ documentFrequency: 0, postings: [] });
    expect(none).toEqual({ documentFrequency: 3, postings: [] });
    expect(await store.sentenceTerms(['a1#0', 'a1#2', 'a1#9', 'a2#0', 'junk'])).toEqual([a1.terms[0], a1.terms[2], null, null, null]);
    const terms = [...a1.terms, ...a0.terms].reduce((sum, t) => sum + t.length, 0);
    expect(await store.textStats()).toEqual({ sentences: 4, terms });
  });

  it('ties postings of equal impact by sentence key', async () => {
    const store = await open();
    await store.writeArticle(textArticle('b', ['virus alpha', 'virus beta']));
    await store.writeArticle(textArticle('a', ['virus gamma', 'virus delta']));
    const [virus] = await store.postings([{ term: indexTerms('virus')[0], limit: 3 }]);
    expect(virus.postings.map((p) => p.key)).toEqual(['a#0', 'a#1', 'b#0']);
  });

  it('replaces and removes an article\'s postings with it, as if the old version had never been written', async () => {
    const store = await open();
    const reference = await open();
    await store.writeArticle(textArticle('a1', ['Fever and cough', 'cough only']));
    await store.writeArticle(textArticle('a2', ['fever in a2']));
    await store.writeArticle(textArticle('a1', ['Headache and fever'], 'v2'));
    await reference.writeArticle(textArticle('a2', ['fever in a2']));
    await reference.writeArticle(textArticle('a1', ['Headache and fever'], 'v2'));
    const terms = indexTerms('fever cough headache').map((term) => ({ term, limit: 10 }));
    expect(await store.postings(terms)).toEqual(await reference.postings(terms));
    expect((await store.postings(terms))[1]).toEqual({ documentFrequency: 0, postings: [] });
    expect(await store.sentenceTerms(['a1#0', 'a1#1'])).toEqual([indexTerms('Headache and fever'), null]);
    expect(await store.textStats()).toEqual(await reference.textStats());
  });

  it('changes the lexicon version only when a concept appears, goes or gains a form', async () => {
    const store = await open();
    const versions: string[] = [await store.lexiconVersion()];
    const step = async (prepared: PreparedArticle) => {
      await store.writeArticle(prepared);
      versions.push(await store.lexiconVersion());
    };
    await step(article('a1', 2000, [['x', 'y']])); // x and y appear
    const same = article('a2', 2001, [['x', 'y']]);
    same.concepts = new Map([...same.concepts].map(([id, meta]) => [id, { ...meta, surfaceForms: [id, `${id} in a1`] }]));
    await step(same); // only known forms: no change
    await step(article('a3', 2002, [['x']])); // "x in a3" is a new form
    await step(article('a2', 2001, [['z']], undefined)); // z appears; y keeps a1
    await step(article('a1', 2000, [['z']])); // y goes
    const changed = versions.slice(1).map((v, i) => v !== versions[i]);
    expect(changed).toEqual([true, false, true, true, true]);
  });

  it('deletes articles as if they had never been written, on every read', async () => {
    const a1 = sameLexicon(article('a1', 2001, [['x', 'y'], ['y', 'z'], ['x', '', 'z']], tokensOf(['a1#0'])));
    const a2 = sameLexicon(article('a2', 2001, [['x', 'y', 'w'], ['w', 'z']], tokensOf(['a2#1'])));
    const a3 = sameLexicon(article('a3', 2005, [['y', 'v'], ['v']]));
    const text = textArticle('t1', ['Fever and cough in a2', 'nothing else']);
    const store = await open();
    for (const prepared of [a1, a2, a3, text]) await store.writeArticle(prepared);
    const reference = await open();
    await reference.writeArticle(a1);
    const lexiconBefore = await store.lexiconVersion();
    const corpusBefore = await store.corpusVersion();
    expect((await store.deleteArticles(['a2', 'nope', 't1', 'a3', 'a2'])).sort()).toEqual(['a2', 'a3', 't1']);
    const everything = [a1, a2, a3, text];
    expect(await everyRead(store, everything)).toEqual(await everyRead(reference, everything));
    // w and v went: the question matcher must see it.
    expect(await store.lexiconVersion()).not.toBe(lexiconBefore);
    expect(await store.corpusVersion()).not.toBe(corpusBefore);
    // Nothing left to delete: nothing changes.
    const corpusAfter = await store.corpusVersion();
    expect(await store.deleteArticles(['a2', 'nope'])).toEqual([]);
    expect(await store.corpusVersion()).toBe(corpusAfter);
    // The deleted articles come back as they were.
    for (const prepared of [a2, a3, text]) expect(await store.writeArticle(prepared)).toBe('created');
    for (const prepared of [a2, a3, text]) await reference.writeArticle(prepared);
    expect(await everyRead(store, everything)).toEqual(await everyRead(reference, everything));
  });

  it('keeps the lexicon version when a deleted article leaves every concept mentioned', async () => {
    const store = await open();
    await store.writeArticle(sameLexicon(article('a1', 2001, [['x', 'y']])));
    await store.writeArticle(sameLexicon(article('a2', 2002, [['y', 'x']])));
    const lexicon = await store.lexiconVersion();
    expect(await store.deleteArticles(['a2'])).toEqual(['a2']);
    expect(await store.lexiconVersion()).toBe(lexicon);
  });

  it('deletes ingested documents as if they had never been ingested', async () => {
    const store = await open();
    const reference = await SqliteStore.open();
    const preparer = await ArticlePreparer.start({ vocabularies: [join(repoRoot, 'seed', 'vocabulary.tsv')] });
    const documents = await readInputs([join(repoRoot, 'seed', 'corpus')]);
    const ids = documents.flatMap((d) => ('document' in d ? [d.document.id] : []));
    const deleted = ids.filter((_, i) => i % 3 === 1);
    expect(deleted.length).toBeGreaterThan(1);
    await ingestDocuments(store, documents, { preparer });
    await ingestDocuments(reference, documents.filter((d) => !('document' in d && deleted.includes(d.document.id))), { preparer });
    expect((await store.deleteArticles(deleted)).sort()).toEqual([...deleted].sort());
    expect(await graphView(store)).toEqual(await graphView(reference));
    expect(await store.getArticles(deleted)).toEqual(deleted.map(() => null));
  });

  it('drops the whole corpus, and the versions move on', async () => {
    const store = await open();
    await store.writeArticle(article('a1', 2001, [['x', 'y'], ['y', 'z']]));
    await store.writeArticle(textArticle('t1', ['Fever and cough']));
    const versions = [await store.corpusVersion(), await store.lexiconVersion()];
    await store.drop();
    const empty = await open();
    const written = [article('a1', 2001, [['x', 'y'], ['y', 'z']]), textArticle('t1', ['Fever and cough'])];
    expect(await everyRead(store, written)).toEqual(await everyRead(empty, written));
    expect(await store.corpusVersion()).not.toBe(versions[0]);
    expect(await store.lexiconVersion()).not.toBe(versions[1]);
    expect(await store.writeArticle(written[0])).toBe('created');
    expect(await store.stats()).toEqual({ articles: 1, sentences: 2, concepts: 3, edges: 2 });
  });

  it('reports stored content hashes', async () => {
    const store = await open();
    const a1 = article('a1', 2000, [['x']]);
    await store.writeArticle(a1);
    expect(await store.articleHashes(['a1', 'nope'])).toEqual([a1.article.contentHash, null]);
  });

  it('refuses ill-formed Unicode ids and stores lone surrogates of text as U+FFFD', async () => {
    const store = await open();
    await expect(store.writeArticle(article('doc\ud800', 2000, [['x']]))).rejects.toThrow(/not well-formed Unicode/);
    const preparer = await ArticlePreparer.start({});
    const documents = [
      toDocument({ id: 'doc\ud800', title: 'one', year: null, paragraphs: ['Coronavirus spike protein binds receptors.'] }, 'first'),
      toDocument({ id: 'doc\udbff', title: 'two', year: null, paragraphs: ['Coronavirus spike protein binds receptors.'] }, 'second'),
      toDocument({ id: 'doc\ufffd', title: 'Title \udc00', year: null, paragraphs: ['A lone \ud83d surrogate here. Another sentence.'] }, 'third'),
    ];
    const summary = await ingestDocuments(store, documents, { preparer });
    await preparer.close();
    expect(summary.rejected.map((r) => [r.origin, r.reason])).toEqual([
      ['first', 'invalid id "doc\\ud800": not well-formed Unicode (a lone surrogate \\ud800 at character 4)'],
      ['second', 'invalid id "doc\\udbff": not well-formed Unicode (a lone surrogate \\udbff at character 4)'],
    ]);
    expect(summary.accepted.map((a) => [a.id, a.outcome])).toEqual([['doc\ufffd', 'created']]);
    expect((await store.getArticles(['doc\ufffd']))[0]?.title).toBe('Title \ufffd');
    expect((await store.getSentences([sentenceKey('doc\ufffd', 0)]))[0]?.text).toBe('A lone \ufffd surrogate here.');
    expect(await store.stats()).toMatchObject({ articles: 1, sentences: 2 });
  });

  it('stores an article at its article limits and refuses a larger one whole', async () => {
    const store = await open();
    // The embedded store has none: it takes the articles Redis refuses.
    expect(store.articleLimits).toEqual(store.kind === 'sqlite' ? null : DEFAULT_ARTICLE_LIMITS);
    const { sentences, characters } = DEFAULT_ARTICLE_LIMITS;
    const short = (count: number) => Array.from({ length: count }, () => 'Spike protein binds the receptor.');
    // Sentences of 1,000 characters, the longest the splitter makes.
    const wide = Array.from({ length: characters / 1000 }, (_, i) => `${i} ${'spike protein binds the receptor '.repeat(31)}`.slice(0, 1000));
    expect(await store.writeArticle(textArticle('long', short(sentences)))).toBe('created');
    expect(await store.writeArticle(textArticle('wide', wide))).toBe('created');
    const stored = await store.stats();
    const larger = [textArticle('over-long', short(sentences + 1)), textArticle('over-wide', [...wide, 'x']), textArticle('long', short(sentences + 1), 'v2')];
    if (store.articleLimits === null) {
      expect(await Promise.all(larger.map((article) => store.writeArticle(article)))).toEqual(['created', 'created', 'replaced']);
      return;
    }
    const over = (size: number, unit: string, limit: number) =>
      `${size.toLocaleString('en')} ${unit}, more than the ${limit.toLocaleString('en')} a document may have on the ${store.kind} store`;
    const refusals = await Promise.all(larger.map((article) => store.writeArticle(article).then(() => 'stored', (error: Error) => error.message)));
    expect(refusals).toEqual([
      `article "over-long": ${over(sentences + 1, 'sentences', sentences)}`,
      `article "over-wide": ${over(characters + 1, 'characters of text', characters)}`,
      `article "long": ${over(sentences + 1, 'sentences', sentences)}`,
    ]);
    // Nothing of them was written: the stored version of "long" is as it was.
    expect(await store.articleHashes(['long', 'over-long', 'over-wide'])).toEqual(['long:v1', null, null]);
    expect(await store.stats()).toEqual(stored);
  });

  it('serves an ingested corpus exactly as the embedded store does', async () => {
    const store = await open();
    const reference = await SqliteStore.open();
    const preparer = await ArticlePreparer.start({ vocabularies: [join(repoRoot, 'seed', 'vocabulary.tsv')] });
    const documents = await readInputs([join(repoRoot, 'seed', 'corpus')]);
    await ingestDocuments(store, documents, { preparer });
    await ingestDocuments(reference, documents, { preparer });
    expect(await graphView(store)).toEqual(await graphView(reference));
    const again = await ingestDocuments(store, documents, { preparer });
    expect(again.accepted.every((a) => a.outcome === 'unchanged')).toBe(true);
  });
});

/** The same concept names and forms whichever article mentions them, as one vocabulary gives. */
function sameLexicon(prepared: PreparedArticle): PreparedArticle {
  const concepts: PreparedArticle['concepts'] = new Map([...prepared.concepts].map(([id, meta]) => [id, { ...meta, surfaceForms: [id] }]));
  return { ...prepared, concepts };
}

function tokensOf(keys: string[]): Map<string, SentenceTokens> {
  return new Map(keys.map((key, i) => [key, { fingerprint: 'wp:1', ids: [101, i, 102], offsets: [0, 0, 0, 5, 5, 5] }]));
}

/**
 * Every read the store offers, over every id these articles name (their articles, sentences, concepts, every pair
 * of those concepts as an edge, their index terms): what deleting must leave exactly as if never written.
 */
async function everyRead(store: GraphStore, articles: PreparedArticle[]) {
  const articleIds = articles.map((a) => a.article.id);
  const sentenceKeys = articles.flatMap((a) => a.sentences.map((s) => s.key));
  const conceptIds = [...new Set(articles.flatMap((a) => [...a.concepts.keys()]))].sort();
  const edges = conceptIds.flatMap((source, i) => conceptIds.slice(i + 1).map((target) => edge(source, target)));
  const terms = [...new Set(articles.flatMap((a) => a.terms.flat()))].sort();
  const lexicon = (await store.lexicon()).map((e) => ({ ...e, forms: [...e.forms].sort() })).sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    stats: await store.stats(),
    textStats: await store.textStats(),
    lexicon,
    articles: await store.getArticles(articleIds),
    hashes: await store.articleHashes(articleIds),
    articleSentences: await store.articleSentences(articleIds.map((articleId) => ({ articleId, page: page(0, 100) }))),
    sentences: await store.getSentences(sentenceKeys),
    tokens: await store.getSentenceTokens(sentenceKeys),
    sentenceTerms: await store.sentenceTerms(sentenceKeys),
    concepts: await store.getConcepts(conceptIds),
    conceptEdges: await store.conceptEdges(conceptIds.map((conceptId) => ({ conceptId, page: page(0, 100) }))),
    conceptSentences: await store.conceptSentences(conceptIds.map((conceptId) => ({ conceptId, limit: 100 }))),
    edges: await store.getEdges(edges),
    edgeSentences: await store.edgeSentences(edges.map((key) => ({ edge: key, limit: 100 }))),
    postings: await store.postings(terms.map((term) => ({ term, limit: 100 }))),
  };
}

/** Everything the store answers about its whole graph, in a comparable form (order-free parts sorted). */
async function graphView(store: GraphStore) {
  const lexicon = (await store.lexicon()).map((e) => ({ ...e, forms: [...e.forms].sort() })).sort((a, b) => (a.id < b.id ? -1 : 1));
  const ids = lexicon.map((e) => e.id);
  const concepts = (await store.getConcepts(ids)).map((c) => c && { ...c, surfaceForms: [...c.surfaceForms].sort() });
  const edges = await store.conceptEdges(ids.map((conceptId) => ({ conceptId, page: page(0, 10_000) })));
  const edgeKeys = edges.flatMap((p) => p.items.map((e) => edge(e.source, e.target)));
  const edgeSentenceLists = await store.edgeSentences(edgeKeys.map((key) => ({ edge: key, limit: 10_000 })));
  const conceptSentences = await store.conceptSentences(ids.map((conceptId) => ({ conceptId, limit: 10_000 })));
  const sentenceKeys = [...new Set(conceptSentences.flat())].sort();
  const articleIds = [...new Set((await store.getSentences(sentenceKeys)).map((s) => s!.articleId))].sort();
  const articleSentences = await store.articleSentences(articleIds.map((articleId) => ({ articleId, page: page(0, 10_000) })));
  return {
    stats: await store.stats(),
    lexicon,
    concepts,
    edges,
    edgeSentenceLists,
    conceptSentences,
    articles: await store.getArticles(articleIds),
    articleSentences,
    sentences: await store.getSentences(articleSentences.flatMap((p) => p.items)),
    ...(await textIndexView(store, articleSentences.flatMap((p) => p.items))),
  };
}

/** The whole text index behind these sentences: their terms, every term's postings, and the totals. */
async function textIndexView(store: GraphStore, sentenceKeys: string[]) {
  const sentenceTerms = await store.sentenceTerms(sentenceKeys);
  const terms = [...new Set(sentenceTerms.flatMap((t) => t ?? []))].sort();
  return { sentenceTerms, postings: await store.postings(terms.map((term) => ({ term, limit: 100_000 }))), textStats: await store.textStats() };
}

/**
 * Every key of the store's namespace and its value, as a plain object, leaving out the corpus version (it
 * counts writes) and the names of concepts no longer mentioned (kept, as in the memory store, but invisible).
 * Surface forms are a set whose order follows the order writers arrived in, so they are sorted.
 */
async function redisDump(store: RedisStore): Promise<Record<string, unknown>> {
  const { namespace } = store.keys;
  const keys = await scanKeys(store.connection, store.keys.pattern);
  const dump: Record<string, unknown> = {};
  for (const key of keys.filter((key) => key !== store.keys.corpus.version).sort()) {
    const type = (await store.connection.send(key, ['TYPE', key])) as string;
    if (type === 'hash') {
      const fields = hashFields(await store.connection.send(key, ['HGETALL', key]));
      if (fields.forms) fields.forms = JSON.stringify(JSON.parse(fields.forms).sort());
      if (fields.forms && fields.rank === '0') continue;
      dump[key.slice(namespace.length)] = fields;
    } else {
      const read: Record<string, string[]> = { string: ['GET', key], zset: ['ZRANGE', key, '0', '-1', 'WITHSCORES'], set: ['SMEMBERS', key] };
      const value = await store.connection.send(key, read[type]);
      dump[key.slice(namespace.length)] = type === 'set' ? (value as string[]).sort() : value;
    }
  }
  return dump;
}

describe.each(redisBackends)('Redis store writes on $name', ({ open }) => {
  const v1 = article('a1', 2001, [['x', 'y', 'z'], ['y', 'w'], ['x']]);
  const v2 = article('a1', 2002, [['y', 'z'], ['z', 'v', 'x'], ['v']]);
  const other = article('b', 2003, [['x', 'y'], ['w', 'v']]);

  /**
   * A store holding `stored`, then `run` on it with its `failAt`-th graph command and every later one throwing, as a
   * crash there would stop it; `outcome` is what `run` returned, or the error's message.
   */
  async function interruptedAt<T>(failAt: number, stored: PreparedArticle[], run: (store: RedisStore) => Promise<T>) {
    let armed = false;
    const store = await open({
      beforeGraphCommand: (issued) => {
        if (armed && issued >= failAt) throw new Error(`interrupted at graph command ${issued}`);
      },
    });
    for (const prepared of stored) await store.writeArticle(prepared);
    armed = true;
    const outcome = await run(store).catch((error: Error) => error.message);
    armed = false;
    return { store, outcome };
  }

  it('leaves exactly one clean write after a write interrupted at any graph command and run again', async () => {
    const clean = await open();
    for (const prepared of [other, v1, v2]) await clean.writeArticle(prepared);
    const expected = await redisDump(clean);
    expect(await clean.stats()).toEqual({ articles: 2, sentences: 5, concepts: 5, edges: 6 });

    let interruptions = 0;
    for (let failAt = 0; ; failAt++) {
      const { store, outcome } = await interruptedAt(failAt, [other, v1], (store) => store.writeArticle(v2));
      if (outcome === 'replaced') break; // failAt is past the last graph command: nothing left to interrupt
      expect(outcome).toBe(`interrupted at graph command ${failAt}`);
      interruptions++;
      // An unfinished write is never mistaken for a finished one, even though the old hash is still stored.
      expect(await store.articleHashes(['a1'])).toEqual([null]);
      expect(await store.writeArticle(v2)).toBe('replaced');
      expect(await redisDump(store)).toEqual(expected);
      expect(await store.writeArticle(v2)).toBe('unchanged');
    }
    expect(interruptions).toBeGreaterThan(15);
  });

  it('leaves exactly one clean delete after a delete interrupted at any graph command and run again', async () => {
    // One lexicon for both articles: a deleted article's forms stay with its concepts (the contract).
    const [kept, deleted] = [sameLexicon(other), sameLexicon(v1)];
    const clean = await open();
    await clean.writeArticle(kept);
    // The lexicon version counts changes, and a replay may count one more: only that it moved matters (tested above).
    const dump = async (store: RedisStore) => {
      const { [store.keys.corpus.lexiconVersion.slice(store.keys.namespace.length)]: _, ...rest } = await redisDump(store);
      return rest;
    };
    const expected = await dump(clean);
    let interruptions = 0;
    for (let failAt = 0; ; failAt++) {
      const { store, outcome } = await interruptedAt(failAt, [kept, deleted], (store) => store.deleteArticles(['a1']));
      if (Array.isArray(outcome)) {
        expect(outcome).toEqual(['a1']);
        break;
      }
      expect(outcome).toBe(`interrupted at graph command ${failAt}`);
      interruptions++;
      expect(await store.articleHashes(['a1'])).toEqual([null]);
      expect(await store.deleteArticles(['a1'])).toEqual(['a1']);
      expect(await dump(store)).toEqual(expected);
    }
    expect(interruptions).toBeGreaterThan(5);
  });

  it('finishes an interrupted write of a new article when the next write is another version', async () => {
    const clean = await open();
    await clean.writeArticle(v1);
    const expected = await redisDump(clean);
    let armed = true;
    const store = await open({
      beforeGraphCommand: (issued) => {
        if (armed && issued >= 4) throw new Error('interrupted');
      },
    });
    await expect(store.writeArticle(v2)).rejects.toThrow('interrupted');
    armed = false;
    expect(await store.getArticles(['a1'])).toEqual([null]);
    expect(await store.writeArticle(v1)).toBe('created');
    expect(await redisDump(store)).toEqual(expected);
  });

  it('serializes concurrent writes of one article and converges concurrent writes of many', async () => {
    const articles = Array.from({ length: 24 }, (_, i) =>
      article(`doc${i}`, 2000 + (i % 3), [['x', `c${i % 5}`, 'y'], [`c${i % 4}`, 'x'], ['y', `c${(i + 1) % 5}`]]),
    );
    const sequential = await open();
    for (const prepared of articles) await sequential.writeArticle(prepared);
    // Three clients on one namespace, each writing every third article at the same time.
    const first = await open();
    const sameNamespace = [first, await open({ namespace: first.keys.namespace }), await open({ namespace: first.keys.namespace })];
    await Promise.all(sameNamespace.map((store, w) => Promise.all(articles.filter((_, i) => i % 3 === w).map((a) => store.writeArticle(a)))));
    expect(await redisDump(sameNamespace[0])).toEqual(await redisDump(sequential));

    // Two clients writing two versions of one article at once: one waits for the other's lease.
    const outcomes = await Promise.all([
      sameNamespace[1].writeArticle(article('doc0', 1990, [['x', 'q']])),
      sameNamespace[2].writeArticle(article('doc0', 1991, [['q', 'y']])),
    ]);
    expect(outcomes).toEqual(['replaced', 'replaced']);
    const winner = (await sameNamespace[0].getArticles(['doc0']))[0]!;
    for (const prepared of [article('doc0', 1990, [['x', 'q']]), article('doc0', 1991, [['q', 'y']])]) {
      if (prepared.article.contentHash === winner.contentHash) await sequential.writeArticle(prepared);
    }
    expect(await redisDump(sameNamespace[0])).toEqual(await redisDump(sequential));
  });

  /** A namespace holding the seed corpus (keyphrase ids have spaces) and ids full of quotes, backslashes and accents. */
  async function awkwardCorpus(store: GraphStore): Promise<void> {
    const documents = [
      ...(await readInputs([join(repoRoot, 'seed', 'corpus')])),
      toDocument({ id: `it's"a\\b*c?[d]é€😀`, title: 'Awkward', year: 2020, paragraphs: ['Spike protein binds the receptor. Spike protein again.'] }, 'awkward'),
    ];
    const summary = await ingestDocuments(store, documents, {});
    expect(summary.rejected).toEqual([]);
  }

  it('refuses a write over its sentence limit before touching anything, for any caller', async () => {
    const store = await open({ articleLimits: { sentences: 3, characters: 1000 } });
    await store.writeArticle(other);
    const before = await redisDump(store);
    await expect(store.writeArticle(article('long', 2004, [['x'], ['y'], ['z'], ['x', 'y']]))).rejects.toThrow(
      `article "long": 4 sentences, more than the 3 a document may have on the ${store.kind} store`,
    );
    await expect(store.writeArticle(article('b', 2004, [['x'], ['y'], ['z'], ['w']]))).rejects.toThrow('article "b": 4 sentences');
    // No key, journal or lease of either, and nothing else changed.
    expect(await redisDump(store)).toEqual(before);
  });

  it('has ingest refuse a document over its limit alone: the rest of the batch is stored as if it had not been sent', async () => {
    const document = (id: string, sentences: number) => {
      const result = toDocument({ id, title: id, year: 2020, paragraphs: [Array.from({ length: sentences }, (_, i) => `Spike protein ${id} binds receptor ${i}.`).join(' ')] }, `${id}.txt`);
      if (!('document' in result)) throw new Error(result.rejected.reason);
      return result;
    };
    const limits = { articleLimits: { sentences: 3, characters: 1000 } };
    const store = await open(limits);
    const summary = await ingestDocuments(store, [document('short', 2), document('long', 4), document('limit', 3)]);
    expect(summary.rejected).toEqual([{ origin: 'long.txt', id: 'long', reason: `4 sentences, more than the 3 a document may have on the ${store.kind} store` }]);
    expect(summary.accepted.map(({ id, outcome, sentences }) => [id, outcome, sentences])).toEqual([
      ['short', 'created', 2],
      ['limit', 'created', 3],
    ]);
    const alone = await open(limits);
    expect((await ingestDocuments(alone, [document('short', 2), document('limit', 3)])).rejected).toEqual([]);
    // Not a key, posting or concept of it (its keyphrases are not even extracted), no journal, no lease.
    expect(await redisDump(store)).toEqual(await redisDump(alone));
  });

  it('names every key with printable ASCII that shells and xargs take literally, and redis-cli deletes a namespace', async () => {
    const store = await open();
    await awkwardCorpus(store);
    const keys = await scanKeys(store.connection, store.keys.pattern);
    expect(keys.length).toBeGreaterThan(500);
    expect(keys.filter((key) => !/^[A-Za-z0-9._:~@+=/%,{}-]+$/.test(key))).toEqual([]);
    // docs/redis-keys.md's recipe, for real: on a cluster, each master's keys are unlinked on that master.
    const ports = store.kind === 'redis-cluster' ? await redis.cluster().masterPorts() : [redis.single().port];
    const recipe = store.kind === 'redis-cluster' ? CLUSTER_DELETE_RECIPE : SINGLE_DELETE_RECIPE;
    for (const port of ports) await sh(recipe, { PORT: String(port), NS: store.keys.namespace });
    expect(await scanKeys(store.connection, store.keys.pattern)).toEqual([]);
  });

  it('refuses a namespace in an older key layout until kgqa migrate moves it, and then reads it as before', async () => {
    const store = await open();
    await awkwardCorpus(store);
    const expected = await redisDump(store);
    // Back to layout 1's names: raw ids in the hashtag, edges' ids joined by a NUL byte, no layout key.
    for (const key of await scanKeys(store.connection, store.keys.pattern)) {
      const old = key.replace(/\{([acet]):([^}]*)\}/, (_, kind: string, body: string) => `{${kind}:${body.split(',').map(decodeURIComponent).join('\u0000')}}`);
      if (old === key) continue;
      const [dump, ttl] = [await store.connection.sendBytes(key, ['DUMP', key]), (await store.connection.send(key, ['PTTL', key])) as number];
      await store.connection.sendBytes(old, ['RESTORE', old, String(Math.max(0, ttl)), dump!, 'REPLACE']);
      await store.connection.send(key, ['UNLINK', key]);
    }
    await store.connection.send(store.keys.corpus.layout, ['DEL', store.keys.corpus.layout]);
    const url = `${store.kind === 'redis-cluster' ? redis.cluster().url : `redis://127.0.0.1:${redis.single().port}`}?namespace=${store.keys.namespace}`;
    await expect(RedisStore.open(url)).rejects.toThrow(`has key layout 1 (written by an older kgqa); stop every kgqa using it and run: kgqa migrate --store ${url}`);
    const refused = await runCli(['ingest', join(repoRoot, 'seed', 'corpus'), '--store', url]);
    expect([refused.code, refused.stderr.trim().split('\n').length, refused.stderr]).toEqual([2, 1, expect.stringContaining(`kgqa migrate --store ${url}`)]);
    const migrated = await runCli(['migrate', '--store', url]);
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toMatch(/moved from key layout 1 to 2: \d+ keys renamed, 0 cached answers dropped/);
    const reopened = await RedisStore.open(url);
    redis.track(reopened);
    expect(await redisDump(reopened)).toEqual(expected);
    await reopened.connection.send(reopened.keys.corpus.layout, ['SET', reopened.keys.corpus.layout, '3']);
    await expect(RedisStore.open(url)).rejects.toThrow('has key layout 3, which this kgqa (layout 2) cannot read: use a newer kgqa');
  });

  it('keeps its key layout across a drop: the namespace opens again and serves what is written after', async () => {
    const store = await open();
    await store.writeArticle(article('a1', 2001, [['x', 'y']]));
    await store.drop();
    await store.writeArticle(article('a2', 2002, [['y', 'z']]));
    const url = `${store.kind === 'redis-cluster' ? redis.cluster().url : `redis://127.0.0.1:${redis.single().port}`}?namespace=${store.keys.namespace}`;
    const reopened = await RedisStore.open(url);
    redis.track(reopened);
    expect(await reopened.stats()).toEqual({ articles: 1, sentences: 1, concepts: 2, edges: 1 });
  });

  it('reads a batch in one round trip per shard', async () => {
    const store = await open();
    const ids = Array.from({ length: 150 }, (_, i) => `k${i}`);
    await store.writeArticle(article('many', 2000, [ids]));
    const ports = store.kind === 'redis-cluster' ? await redis.cluster().masterPorts() : [redis.single().port];
    const reads = async () => Promise.all(ports.map(async (port) => Number((await redisInfo(port, 'stats')).get('total_reads_processed'))));
    const commands = async () =>
      Promise.all(ports.map(async (port) => Number(/calls=(\d+)/.exec((await redisInfo(port, 'commandstats')).get('cmdstat_hgetall') ?? '')?.[1] ?? 0)));
    const commandsBefore = await commands();
    const readsBefore = await reads();
    const started = performance.now();
    const concepts = await store.getConcepts(ids);
    const readsAfter = await reads();
    const seconds = (performance.now() - started) / 1000;
    const commandsAfter = await commands();
    expect(concepts.every((c) => c?.rank === 1)).toBe(true);
    const hgetalls = commandsAfter.map((n, i) => n - commandsBefore[i]);
    expect(hgetalls.reduce((a, b) => a + b)).toBe(150);
    // Per shard: the batch's one read, the second INFO's, and its replica's replication acks, one a second (a loaded
    // machine stretches the window over more than one of them). One round trip per HGETALL would be ~50 reads.
    const allowed = 2 + Math.ceil(seconds) + 1;
    const shardReads = readsAfter.map((n, i) => n - readsBefore[i]);
    for (const [i, n] of shardReads.entries()) expect(n, `shard ${ports[i]}: ${hgetalls[i]} HGETALLs in ${seconds.toFixed(2)} s`).toBeLessThanOrEqual(allowed);
  });
});
