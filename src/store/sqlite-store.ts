import type { Database as Connection, Statement } from 'better-sqlite3';
import {
  canonicalEdge,
  parseSentenceKey,
  sentenceKey,
  type ArticleRecord,
  type ConceptRecord,
  type EdgeKey,
  type EdgeRecord,
  type ScoredSentenceKey,
  type SentenceRecord,
  type SentenceTokens,
  type StoreStats,
} from '../domain.js';
import { workerModuleUrl } from '../paths.js';
import { splitTerms } from '../text/index-terms.js';
import { WorkerClient } from '../worker-rpc.js';
import { inProcessWrites, startWriterThread, type ArticleWrites } from './sqlite/article-writes.js';
import { openConnection } from './sqlite/connection.js';
import { storeErrorOf } from './sqlite/errors.js';
import { checkDatabase, type CheckDepth } from './sqlite/integrity.js';
import { openDatabaseFile } from './sqlite/open-database.js';
import { decodeArticle, decodeSentence, decodeTokens, type ArticleRow, type SentenceRow, type TokensRow } from './sqlite/records.js';
import { createSchema, type MetaKey } from './sqlite/schema.js';
import { StoreError } from './store-error.js';
import type { GraphStore, LexiconEntry, Page, PreparedArticle, RankedPage, WriteOutcome } from './store.js';
import type { TermPostings, TextIndexStats } from './text-index.js';
import { checkWellFormedId } from '../unicode.js';

export { DATABASE_FILE, StoreOpenError } from './sqlite/open-database.js';

export interface SqliteStoreOptions {
  /** The folder of the database file (kgqa.sqlite); without one the store lives in memory, as long as the process. */
  dataDir?: string;
  /** Lines for the operator: an imported snapshot, removed leftovers, a failed integrity check. */
  notice?: (line: string) => void;
}

/**
 * The embedded store: one SQLite database (WAL), every read an index range scan (sqlite/schema.ts) on the calling
 * thread's connection, every article written in one transaction on the writer thread's connection, visible when it
 * returns and durable (fsynced) once `flush` returns.
 */
export class SqliteStore implements GraphStore {
  readonly kind = 'sqlite';
  /** None: a long document holds only this store's writer thread, never a server that other clients share. */
  readonly articleLimits = null;
  private readonly sql: ReturnType<typeof prepareReads>;
  /** Set when the background integrity check finds damage: writes and totals answer it from then on. */
  private damage: StoreError | null = null;
  /** The background integrity check's problems once it has run (none in memory). */
  integrityChecked: Promise<string[]> = Promise.resolve([]);

  private constructor(
    private readonly db: Connection,
    private readonly writes: ArticleWrites,
    /** The database file, or null in memory. */
    readonly file: string | null,
  ) {
    this.sql = prepareReads(db);
  }

  /**
   * Opens (or creates) the store after the checks that cost nothing whatever its size (sqlite/open-database.ts);
   * a database that cannot be opened throws StoreOpenError, one line naming the file and what to do. The
   * structure check (PRAGMA quick_check, O(size)) then runs on its own thread while the store serves.
   */
  static async open(options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    if (!options.dataDir) {
      const db = openConnection(':memory:', 'reader');
      createSchema(db);
      return new SqliteStore(db, inProcessWrites(db), null);
    }
    const notice = options.notice ?? (() => undefined);
    const { db, file, readOnly } = await openDatabaseFile(options.dataDir, notice);
    let writes: ArticleWrites;
    try {
      writes = readOnly ? refusedWrites() : await startWriterThread(file);
    } catch (error) {
      db.close();
      throw storeErrorOf(error);
    }
    if (readOnly) notice(`${file} is read-only: serving it; every write answers STORE_READ_ONLY`);
    const store = new SqliteStore(db, writes, file);
    store.integrityChecked = store.checkInBackground(file, notice);
    return store;
  }

  getArticles(ids: readonly string[]): Promise<(ArticleRecord | null)[]> {
    return this.read(() => ids.map((id) => {
      const row = this.sql.article.get(id) as ArticleRow | undefined;
      return row ? decodeArticle(row) : null;
    }));
  }

  getSentences(keys: readonly string[]): Promise<(SentenceRecord | null)[]> {
    return this.read(() => keys.map((key) => {
      const location = parseSentenceKey(key);
      const row = location && (this.sql.sentence.get(location.articleId, location.position) as SentenceRow | undefined);
      return row ? decodeSentence(location.articleId, row) : null;
    }));
  }

  getSentenceTokens(keys: readonly string[]): Promise<(SentenceTokens | null)[]> {
    return this.read(() => keys.map((key) => {
      const location = parseSentenceKey(key);
      const row = location && (this.sql.tokens.get(location.articleId, location.position) as TokensRow | undefined);
      return row ? decodeTokens(row) : null;
    }));
  }

  putSentenceTokens(entries: readonly (readonly [string, SentenceTokens])[]): Promise<void> {
    return this.damage ? Promise.reject(this.damage) : this.writes.putTokens(entries);
  }

  getConcepts(ids: readonly string[]): Promise<(ConceptRecord | null)[]> {
    return this.read(() => ids.map((id) => {
      const row = this.sql.concept.get(id) as { name: string; origin: ConceptRecord['origin']; forms: string; rank: number } | undefined;
      return row ? { id, name: row.name, rank: row.rank, origin: row.origin, surfaceForms: JSON.parse(row.forms) as string[] } : null;
    }));
  }

  getEdges(keys: readonly EdgeKey[]): Promise<(EdgeRecord | null)[]> {
    return this.read(() => keys.map((key) => {
      const row = this.sql.edge.get(key.source, key.target) as { id: number; rank: number } | undefined;
      if (!row) return null;
      return { source: key.source, target: key.target, rank: row.rank, years: this.sql.edgeYears.pluck().all(row.id) as number[] };
    }));
  }

  edgeSentences(requests: readonly { edge: EdgeKey; limit: number }[]): Promise<ScoredSentenceKey[][]> {
    return this.read(() => requests.map(({ edge, limit }) => {
      if (limit <= 0) return [];
      return (this.sql.edgeSentences.all(edge.source, edge.target, limit) as { key: string; score: number }[]).map(({ key, score }) => ({
        key,
        score,
      }));
    }));
  }

  conceptEdges(requests: readonly { conceptId: string; page: Page }[]): Promise<RankedPage<EdgeRecord>[]> {
    return this.read(() => requests.map(({ conceptId, page }) => {
      const total = (this.sql.conceptDegree.pluck().get(conceptId) as number | undefined) ?? 0;
      if (total === 0 || page.limit <= 0) return { total, items: [] };
      const rows = this.sql.conceptEdges.all(conceptId, page.limit, Math.max(0, page.offset)) as { edge: number; other_id: string; rank: number }[];
      const items = rows.map(({ edge, other_id, rank }) => ({
        ...canonicalEdge(conceptId, other_id),
        rank,
        years: this.sql.edgeYears.pluck().all(edge) as number[],
      }));
      return { total, items };
    }));
  }

  conceptSentences(requests: readonly { conceptId: string; limit: number }[]): Promise<string[][]> {
    return this.read(() => requests.map(({ conceptId, limit }) => (limit <= 0 ? [] : (this.sql.conceptSentences.pluck().all(conceptId, limit) as string[]))));
  }

  articleSentences(requests: readonly { articleId: string; page: Page }[]): Promise<RankedPage<string>[]> {
    return this.read(() => requests.map(({ articleId, page }) => {
      const total = (this.sql.sentenceCount.pluck().get(articleId) as number | undefined) ?? 0;
      const items: string[] = [];
      const end = Math.min(total, page.offset + Math.max(0, page.limit));
      for (let position = Math.max(0, page.offset); position < end; position++) items.push(sentenceKey(articleId, position));
      return { total, items };
    }));
  }

  lexicon(): Promise<LexiconEntry[]> {
    return this.read(() => (this.sql.lexicon.all() as { concept_id: string; name: string; origin: LexiconEntry['origin']; forms: string }[]).map((row) => ({
      id: row.concept_id,
      name: row.name,
      origin: row.origin,
      forms: JSON.parse(row.forms) as string[],
    })));
  }

  corpusVersion(): Promise<string> {
    return this.read(() => String(this.meta('version')));
  }

  lexiconVersion(): Promise<string> {
    return this.read(() => String(this.meta('lexicon')));
  }

  stats(): Promise<StoreStats> {
    if (this.damage) return Promise.reject(this.damage);
    return this.read(() => ({ articles: this.meta('articles'), sentences: this.meta('sentences'), concepts: this.meta('concepts'), edges: this.meta('edges') }));
  }

  postings(requests: readonly { term: string; limit: number }[]): Promise<TermPostings[]> {
    return this.read(() => requests.map(({ term, limit }) => {
      const row = this.sql.term.get(term) as { id: number; document_frequency: number } | undefined;
      if (!row) return { documentFrequency: 0, postings: [] };
      const postings = limit <= 0 ? [] : (this.sql.postings.all(row.id, limit) as { key: string; impact: number }[]);
      return { documentFrequency: row.document_frequency, postings };
    }));
  }

  /** One range read per run of adjacent positions: passages ask for runs of neighbouring sentences. */
  sentenceTerms(keys: readonly string[]): Promise<(string[] | null)[]> {
    return this.read(() => {
      const located = keys
        .map((key, index) => ({ location: parseSentenceKey(key), index }))
        .filter((entry): entry is { location: { articleId: string; position: number }; index: number } => entry.location !== null)
        .sort((a, b) => (a.location.articleId < b.location.articleId ? -1 : a.location.articleId > b.location.articleId ? 1 : a.location.position - b.location.position));
      const terms: (string[] | null)[] = keys.map(() => null);
      for (let start = 0; start < located.length; ) {
        let end = start + 1;
        const { articleId } = located[start].location;
        while (end < located.length && located[end].location.articleId === articleId && located[end].location.position <= located[end - 1].location.position + 1) end++;
        const from = located[start].location.position;
        const rows = this.sql.termRange.all(articleId, from, located[end - 1].location.position) as { position: number; terms: string }[];
        const byPosition = new Map(rows.map((row) => [row.position, row.terms]));
        for (let i = start; i < end; i++) {
          const found = byPosition.get(located[i].location.position);
          if (found !== undefined) terms[located[i].index] = splitTerms(found);
        }
        start = end;
      }
      return terms;
    });
  }

  textStats(): Promise<TextIndexStats> {
    return this.read(() => ({ sentences: this.meta('sentences'), terms: this.meta('terms') }));
  }

  async writeArticle(prepared: PreparedArticle): Promise<WriteOutcome> {
    checkWellFormedId('article id', prepared.article.id);
    return this.damage ? Promise.reject(this.damage) : this.writes.write(prepared);
  }

  deleteArticles(ids: readonly string[]): Promise<string[]> {
    return this.damage ? Promise.reject(this.damage) : this.writes.deleteMany([...new Set(ids)]);
  }

  drop(): Promise<void> {
    return this.damage ? Promise.reject(this.damage) : this.writes.drop();
  }

  articleHashes(ids: readonly string[]): Promise<(string | null)[]> {
    return this.read(() => ids.map((id) => (this.sql.contentHash.pluck().get(id) as string | undefined) ?? null));
  }

  /** Makes every write returned so far durable: one fsync of the log for a whole batch. */
  flush(): Promise<void> {
    return this.writes.sync();
  }

  /** What is wrong with the database (empty when nothing): `full` also checks every row against its checksum. */
  check(depth: CheckDepth): string[] {
    return checkDatabase(this.db, depth);
  }

  /** Waits for the write in progress, then closes both connections (the last one checkpoints the log). */
  async close(): Promise<void> {
    await this.writes.close();
    if (this.db.open) this.db.close();
  }

  /** The background quick_check; a damaged file makes writes and totals answer STORE_CORRUPT from then on. */
  private checkInBackground(file: string, notice: (line: string) => void): Promise<string[]> {
    const checked = WorkerClient.start<null>(workerModuleUrl(import.meta.url, './sqlite/integrity-thread.js'), file, {
      name: 'kgqa integrity check',
      failure: (error) => new Error(error.message),
    }).then(async ({ client }) => {
      try {
        return await client.call<string[]>('check', ['quick']);
      } finally {
        await client.close();
      }
    });
    return checked.then(
      (problems) => {
        if (problems.length > 0) {
          this.damage = new StoreError('STORE_CORRUPT', "the store's database file is damaged; an operator must restore it");
          notice(`${file} failed its integrity check (${problems.join('; ')}): stop kgqa and restore it from a backup (kgqa backup), or move it away and ingest again`);
        }
        return problems;
      },
      (error: Error) => {
        notice(`${file} could not be checked (${error.message}); it is served unchecked`);
        return [];
      },
    );
  }

  /** Runs a read on this thread's connection; SQLite failures become StoreErrors (a damaged page: STORE_CORRUPT). */
  private read<T>(run: () => T): Promise<T> {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(storeErrorOf(error));
    }
  }

  private meta(key: MetaKey): number {
    return (this.sql.meta.pluck().get(key) as number | undefined) ?? 0;
  }
}

/** The writes of a store whose file cannot be written: each answers STORE_READ_ONLY at once. */
function refusedWrites(): ArticleWrites {
  const refuse = () => Promise.reject(new StoreError('STORE_READ_ONLY', 'the store is read-only: nothing was written'));
  return { write: refuse, putTokens: refuse, deleteMany: refuse, drop: refuse, sync: async () => undefined, close: async () => undefined };
}

function prepareReads(db: Connection) {
  const statement = (source: string): Statement => db.prepare(source);
  const conceptRow = '(SELECT id FROM concepts WHERE concept_id = ?)';
  return {
    meta: statement('SELECT value FROM meta WHERE key = ?'),
    article: statement('SELECT * FROM articles WHERE article_id = ?'),
    contentHash: statement('SELECT content_hash FROM articles WHERE article_id = ?'),
    sentenceCount: statement('SELECT sentence_count FROM articles WHERE article_id = ?'),
    sentence: statement('SELECT s.* FROM sentences s JOIN articles a ON s.article = a.id WHERE a.article_id = ? AND s.position = ?'),
    termRange: statement(
      'SELECT position, terms FROM sentences WHERE article = (SELECT id FROM articles WHERE article_id = ?) AND position BETWEEN ? AND ?',
    ),
    tokens: statement('SELECT t.* FROM tokens t JOIN articles a ON t.article = a.id WHERE a.article_id = ? AND t.position = ?'),
    concept: statement('SELECT name, origin, forms, rank FROM concepts WHERE concept_id = ? AND rank > 0'),
    conceptDegree: statement('SELECT degree FROM concepts WHERE concept_id = ? AND rank > 0'),
    lexicon: statement('SELECT concept_id, name, origin, forms FROM concepts WHERE rank > 0'),
    edge: statement(`SELECT id, rank FROM edges WHERE source = ${conceptRow} AND target = ${conceptRow}`),
    edgeYears: statement('SELECT year FROM edge_years WHERE edge = ? ORDER BY year'),
    edgeSentences: statement(
      `SELECT sentence_key AS key, score FROM edge_sentences
       WHERE edge = (SELECT id FROM edges WHERE source = ${conceptRow} AND target = ${conceptRow})
       ORDER BY score DESC, sentence_key LIMIT ?`,
    ),
    conceptEdges: statement(`SELECT edge, other_id, rank FROM concept_edges WHERE concept = ${conceptRow} ORDER BY rank DESC, other_id LIMIT ? OFFSET ?`),
    conceptSentences: statement(`SELECT sentence_key FROM concept_sentences WHERE concept = ${conceptRow} ORDER BY sentence_key LIMIT ?`),
    term: statement('SELECT id, document_frequency FROM terms WHERE term = ?'),
    postings: statement('SELECT sentence_key AS key, impact FROM postings WHERE term = ? ORDER BY impact DESC, sentence_key LIMIT ?'),
  };
}
