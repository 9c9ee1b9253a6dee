import Database from 'better-sqlite3';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../src/cli/ingest-command.js';
import { sentenceKey, type SentenceRecord } from '../src/domain.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { DATABASE_FILE, SqliteStore } from '../src/store/sqlite-store.js';
import { backupDatabase } from '../src/store/sqlite/backup.js';
import { StoreError } from '../src/store/store-error.js';
import type { PreparedArticle } from '../src/store/store.js';
import { indexTerms } from '../src/text/index-terms.js';
import { repoRoot, temporaryDir } from './support/cli.js';
import { dumpEmbeddedStore } from './support/embedded-dump.js';

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

/** Flips one bit of the first occurrence of `marker` in the file (the database must be closed, its log checkpointed). */
function flipBitIn(file: string, marker: string): void {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from(marker));
  expect(at, `${marker} is in ${file}`).toBeGreaterThan(0);
  bytes[at + 2] ^= 0x04;
  writeFileSync(file, bytes);
}

function rawDatabase(dataDir: string): Database.Database {
  return new Database(join(dataDir, DATABASE_FILE));
}

async function storeWith(articles: PreparedArticle[]): Promise<string> {
  const dataDir = temporaryDir();
  const store = await SqliteStore.open({ dataDir });
  for (const a of articles) await store.writeArticle(a);
  await store.close();
  return dataDir;
}

describe('SqliteStore files', () => {
  it('drop empties every table but meta, and deleting every article leaves every table but meta and concepts empty', async () => {
    const dataDir = temporaryDir();
    const documents = await readInputs([join(repoRoot, 'seed', 'corpus')]);
    const rows = async (change: (store: SqliteStore) => Promise<unknown>) => {
      const store = await SqliteStore.open({ dataDir });
      await ingestDocuments(store, documents, { vocabularies: [join(repoRoot, 'seed', 'vocabulary.tsv')] });
      await change(store);
      await store.close();
      const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      const counts = Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()]));
      db.close();
      return counts;
    };
    const ids = documents.flatMap((d) => ('document' in d ? [d.document.id] : []));
    // Concepts keep their rows (name, forms) at rank 0: invisible, as the contract says.
    const deleted = await rows((store) => store.deleteArticles(ids));
    expect(Object.entries(deleted).filter(([table, n]) => n !== 0 && !['meta', 'concepts'].includes(table))).toEqual([]);
    const dropped = await rows((store) => store.drop());
    expect(Object.entries(dropped).filter(([table, n]) => n !== 0 && table !== 'meta')).toEqual([]);
  });

  it('refuses a file that is not an SQLite database, naming it and what to do', async () => {
    const dataDir = temporaryDir();
    writeFileSync(join(dataDir, DATABASE_FILE), 'not a database, but long enough to have a header of sorts');
    await expect(SqliteStore.open({ dataDir })).rejects.toThrow(
      new RegExp(`^${join(dataDir, DATABASE_FILE)} is not an SQLite database .*: restore it from a backup \\(kgqa backup\\), or move it away`),
    );
  });

  it('refuses a database of a newer layout, and a database that is not kgqa\'s', async () => {
    const newer = await storeWith([]);
    const raw = rawDatabase(newer);
    raw.prepare("UPDATE meta SET value = 99 WHERE key = 'layout'").run();
    raw.close();
    await expect(SqliteStore.open({ dataDir: newer })).rejects.toThrow(/was written by a newer kgqa \(layout 99; this one reads up to 3\): upgrade kgqa$/);

    const other = temporaryDir();
    const foreign = rawDatabase(other);
    foreign.exec('CREATE TABLE songs (title TEXT)');
    foreign.close();
    await expect(SqliteStore.open({ dataDir: other })).rejects.toThrow(/is not a kgqa database \(it has no table meta\): point --data-dir at a kgqa data folder/);
  });

  it('upgrades a layout 1 database in place and keeps serving its rows', async () => {
    const dataDir = await storeWith([article('a1', 2003, [['x', 'y'], ['y', 'z']])]);
    const raw = rawDatabase(dataDir);
    raw.exec("DROP INDEX sentence_terms; ALTER TABLE sentences DROP COLUMN checksum; ALTER TABLE articles DROP COLUMN checksum; UPDATE meta SET value = 1 WHERE key = 'layout'");
    raw.close();
    const store = await SqliteStore.open({ dataDir });
    expect((await store.getSentences(['a1#1']))[0]?.conceptIds).toEqual(['y', 'z']);
    await store.writeArticle(article('a2', 2004, [['x', 'z']]));
    expect(await store.stats()).toEqual({ articles: 2, sentences: 3, concepts: 3, edges: 3 });
    await store.close();
    const upgraded = rawDatabase(dataDir);
    expect(upgraded.prepare("SELECT value FROM meta WHERE key = 'layout'").pluck().get()).toBe(3);
    expect(upgraded.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sentence_terms'").pluck().get()).toBe(1);
    expect(upgraded.prepare('SELECT count(*) FROM sentences WHERE checksum IS NULL').pluck().get()).toBe(2);
    upgraded.close();
  });

  it('removes the temporary files an interrupted run left behind', async () => {
    const dataDir = await storeWith([article('a1', null, [['x']])]);
    writeFileSync(join(dataDir, 'graph.json.4242.tmp'), Buffer.alloc(100_000));
    writeFileSync(join(dataDir, `${DATABASE_FILE}.importing`), 'half an import');
    const notices: string[] = [];
    const store = await SqliteStore.open({ dataDir, notice: (line) => notices.push(line) });
    await store.close();
    expect(readdirSync(dataDir).sort()).toEqual([DATABASE_FILE]);
    expect(notices).toEqual([`removed 2 temporary files an interrupted run left in ${dataDir} (100.0 kB)`]);
  });

  it('reports a damaged sentence instead of serving it', async () => {
    const dataDir = await storeWith([
      { ...article('a1', 2003, [['x', 'y'], ['y', 'z']]), sentences: article('a1', 2003, [['x', 'y'], ['y', 'z']]).sentences.map((s, i) => ({ ...s, text: `${s.text} marker-${i}-unique` })) },
    ]);
    flipBitIn(join(dataDir, DATABASE_FILE), 'marker-1-unique');
    const store = await SqliteStore.open({ dataDir });
    expect((await store.getSentences(['a1#0']))[0]?.text).toBe('x y marker-0-unique');
    const damaged = await store.getSentences(['a1#1']).then(() => null, (error: StoreError) => error);
    expect(damaged).toBeInstanceOf(StoreError);
    expect(damaged!.code).toBe('STORE_CORRUPT');
    expect(damaged!.message).toBe("the store's database file is damaged: sentence a1#1 does not match its checksum");
    expect(store.check('full')).toEqual(['sentence 1 of article row 1 does not match its checksum']);
    await store.close();
  });

  it('finds a damaged page in the background, then refuses writes and totals with STORE_CORRUPT', async () => {
    const articles = Array.from({ length: 40 }, (_, i) => article(`a${i}`, 2000 + i, [['x', 'y', `c${i}`], [`c${i}`, 'z']]));
    const dataDir = await storeWith(articles);
    const raw = rawDatabase(dataDir);
    const root = raw.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'postings'").pluck().get() as number;
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const file = join(dataDir, DATABASE_FILE);
    const bytes = readFileSync(file);
    bytes[(root - 1) * pageSize] = 0xff; // not a b-tree page type
    writeFileSync(file, bytes);
    const notices: string[] = [];
    const store = await SqliteStore.open({ dataDir, notice: (line) => notices.push(line) });
    expect((await store.integrityChecked).length).toBeGreaterThan(0);
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^${file} failed its integrity check \\(.+\\): stop kgqa and restore it from a backup`))]);
    await expect(store.writeArticle(article('late', null, [['x']]))).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    await expect(store.stats()).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    await store.close();
  });
});

describe('old graph.json snapshots', () => {
  const fixture = join(repoRoot, 'test', 'support', 'fixtures', 'seed-graph.json.gz');
  const withoutHashes = (dump: ReturnType<typeof dumpEmbeddedStore>) => ({ ...dump, articles: dump.articles.map(({ content_hash, ...rest }: any) => rest) });

  it('are imported once, as the ingest stores the same corpus, and kept as graph.json.imported', async () => {
    const dataDir = temporaryDir();
    writeFileSync(join(dataDir, 'graph.json'), gunzipSync(readFileSync(fixture)));
    const notices: string[] = [];
    const imported = await SqliteStore.open({ dataDir, notice: (line) => notices.push(line) });
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^imported the old snapshot ${join(dataDir, 'graph.json')} \\(12 articles\\) into .+; it is kept as .+graph\\.json\\.imported$`))]);
    expect((await imported.getSentenceTokens(['seed-bat-reservoirs#0']))[0]?.ids.length).toBeGreaterThan(0);
    await imported.close();
    expect(readdirSync(dataDir).sort()).toEqual(['graph.json.imported', DATABASE_FILE]);

    const ingestedDir = temporaryDir();
    const ingested = await SqliteStore.open({ dataDir: ingestedDir });
    await ingestDocuments(ingested, await readInputs([join(repoRoot, 'seed', 'corpus')]), { vocabularies: [join(repoRoot, 'seed', 'vocabulary.tsv')] });
    await ingested.close();
    expect(withoutHashes(dumpEmbeddedStore(dataDir))).toEqual(withoutHashes(dumpEmbeddedStore(ingestedDir)));

    notices.length = 0;
    const reopened = await SqliteStore.open({ dataDir, notice: (line) => notices.push(line) });
    expect((await reopened.stats()).articles).toBe(12);
    await reopened.close();
    expect(notices).toEqual([]);
  });

  it('are refused beside a database they were not imported into', async () => {
    const dataDir = await storeWith([article('a1', null, [['x']])]);
    writeFileSync(join(dataDir, 'graph.json'), gunzipSync(readFileSync(fixture)));
    await expect(SqliteStore.open({ dataDir })).rejects.toThrow(
      `${join(dataDir, 'graph.json')} is an old kgqa snapshot beside the database ${join(dataDir, DATABASE_FILE)}: move one of them away`,
    );
  });
});

describe('kgqa backup', () => {
  it('copies the store while it is being written, into a checked file that serves as the store', async () => {
    const dataDir = await storeWith(Array.from({ length: 20 }, (_, i) => article(`a${i}`, 2000, [['x', `c${i}`]])));
    const store = await SqliteStore.open({ dataDir });
    const writing = Promise.all(Array.from({ length: 20 }, (_, i) => store.writeArticle(article(`b${i}`, 2001, [['y', `d${i}`]]))));
    const target = join(temporaryDir(), 'copy.sqlite');
    const backup = backupDatabase(dataDir, target);
    await writing;
    await store.close();
    expect(backup.articles).toBeGreaterThanOrEqual(20);
    expect(() => backupDatabase(dataDir, target)).toThrow(`${target} already exists: choose a new file name for the backup`);

    const restored = temporaryDir();
    copyFileSync(target, join(restored, DATABASE_FILE));
    const copy = await SqliteStore.open({ dataDir: restored });
    expect((await copy.stats()).articles).toBe(backup.articles);
    expect(await copy.integrityChecked).toEqual([]);
    expect(copy.check('full')).toEqual([]);
    await copy.close();
  });
});
