import Database, { type Database as Connection, type Statement } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
import { SqliteArticleWriter } from './sqlite/article-writer.js';
import { splitTerms } from '../text/index-terms.js';
import { decodeArticle, decodeSentence, decodeTokens, type ArticleRow, type SentenceRow, type TokensRow } from './sqlite/records.js';
import { LAYOUT_VERSION, SCHEMA, type MetaKey } from './sqlite/schema.js';
import type { GraphStore, LexiconEntry, Page, PreparedArticle, RankedPage, WriteOutcome } from './store.js';
import type { TermPostings, TextIndexStats } from './text-index.js';

export interface SqliteStoreOptions {
  /** The folder of the database file (kgqa.sqlite); without one the store lives in memory, as long as the process. */
  dataDir?: string;
}

export const DATABASE_FILE = 'kgqa.sqlite';

/**
 * The embedded store: one SQLite database (WAL), every read an index range scan (sqlite/schema.ts), every article
 * written in one transaction that is durable when it returns.
 */
export class SqliteStore implements GraphStore {
  readonly kind = 'sqlite';
  private readonly sql: ReturnType<typeof prepareReads>;
  private readonly writer: SqliteArticleWriter;

  private constructor(private readonly db: Connection) {
    this.sql = prepareReads(db);
    this.writer = new SqliteArticleWriter(db);
  }

  static async open(options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    const db = new Database(options.dataDir ? join(options.dataDir, DATABASE_FILE) : ':memory:');
    try {
      db.pragma('journal_mode = WAL');
      // FULL: a commit is on disk before the write is acknowledged (NORMAL may lose the last commits on power loss).
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = OFF');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
      const layout = db.prepare("SELECT value FROM meta WHERE key = 'layout'").pluck().get() as number | undefined;
      if (layout === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('layout', ?)").run(LAYOUT_VERSION);
      else if (layout !== LAYOUT_VERSION) throw new Error(`store layout ${layout} is not ${LAYOUT_VERSION}`);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db);
  }

  async getArticles(ids: readonly string[]): Promise<(ArticleRecord | null)[]> {
    return ids.map((id) => {
      const row = this.sql.article.get(id) as ArticleRow | undefined;
      return row ? decodeArticle(row) : null;
    });
  }

  async getSentences(keys: readonly string[]): Promise<(SentenceRecord | null)[]> {
    return keys.map((key) => {
      const location = parseSentenceKey(key);
      const row = location && (this.sql.sentence.get(location.articleId, location.position) as SentenceRow | undefined);
      return row ? decodeSentence(location.articleId, row) : null;
    });
  }

  async getSentenceTokens(keys: readonly string[]): Promise<(SentenceTokens | null)[]> {
    return keys.map((key) => {
      const location = parseSentenceKey(key);
      const row = location && (this.sql.tokens.get(location.articleId, location.position) as TokensRow | undefined);
      return row ? decodeTokens(row) : null;
    });
  }

  async putSentenceTokens(entries: readonly (readonly [string, SentenceTokens])[]): Promise<void> {
    this.writer.putTokens(entries);
  }

  async getConcepts(ids: readonly string[]): Promise<(ConceptRecord | null)[]> {
    return ids.map((id) => {
      const row = this.sql.concept.get(id) as { name: string; origin: ConceptRecord['origin']; forms: string; rank: number } | undefined;
      return row ? { id, name: row.name, rank: row.rank, origin: row.origin, surfaceForms: JSON.parse(row.forms) as string[] } : null;
    });
  }

  async getEdges(keys: readonly EdgeKey[]): Promise<(EdgeRecord | null)[]> {
    return keys.map((key) => {
      const row = this.sql.edge.get(key.source, key.target) as { id: number; rank: number } | undefined;
      if (!row) return null;
      return { source: key.source, target: key.target, rank: row.rank, years: this.sql.edgeYears.pluck().all(row.id) as number[] };
    });
  }

  async edgeSentences(requests: readonly { edge: EdgeKey; limit: number }[]): Promise<ScoredSentenceKey[][]> {
    return requests.map(({ edge, limit }) => {
      if (limit <= 0) return [];
      return (this.sql.edgeSentences.all(edge.source, edge.target, limit) as { key: string; score: number }[]).map(({ key, score }) => ({
        key,
        score,
      }));
    });
  }

  async conceptEdges(requests: readonly { conceptId: string; page: Page }[]): Promise<RankedPage<EdgeRecord>[]> {
    return requests.map(({ conceptId, page }) => {
      const total = (this.sql.conceptDegree.pluck().get(conceptId) as number | undefined) ?? 0;
      if (total === 0 || page.limit <= 0) return { total, items: [] };
      const rows = this.sql.conceptEdges.all(conceptId, page.limit, Math.max(0, page.offset)) as { edge: number; other_id: string; rank: number }[];
      const items = rows.map(({ edge, other_id, rank }) => ({
        ...canonicalEdge(conceptId, other_id),
        rank,
        years: this.sql.edgeYears.pluck().all(edge) as number[],
      }));
      return { total, items };
    });
  }

  async conceptSentences(requests: readonly { conceptId: string; limit: number }[]): Promise<string[][]> {
    return requests.map(({ conceptId, limit }) => (limit <= 0 ? [] : (this.sql.conceptSentences.pluck().all(conceptId, limit) as string[])));
  }

  async articleSentences(requests: readonly { articleId: string; page: Page }[]): Promise<RankedPage<string>[]> {
    return requests.map(({ articleId, page }) => {
      const total = (this.sql.sentenceCount.pluck().get(articleId) as number | undefined) ?? 0;
      const items: string[] = [];
      const end = Math.min(total, page.offset + Math.max(0, page.limit));
      for (let position = Math.max(0, page.offset); position < end; position++) items.push(sentenceKey(articleId, position));
      return { total, items };
    });
  }

  async lexicon(): Promise<LexiconEntry[]> {
    return (this.sql.lexicon.all() as { concept_id: string; name: string; origin: LexiconEntry['origin']; forms: string }[]).map((row) => ({
      id: row.concept_id,
      name: row.name,
      origin: row.origin,
      forms: JSON.parse(row.forms) as string[],
    }));
  }

  async corpusVersion(): Promise<string> {
    return String(this.meta('version'));
  }

  async lexiconVersion(): Promise<string> {
    return String(this.meta('lexicon'));
  }

  async stats(): Promise<StoreStats> {
    return { articles: this.meta('articles'), sentences: this.meta('sentences'), concepts: this.meta('concepts'), edges: this.meta('edges') };
  }

  async postings(requests: readonly { term: string; limit: number }[]): Promise<TermPostings[]> {
    return requests.map(({ term, limit }) => {
      const row = this.sql.term.get(term) as { id: number; document_frequency: number } | undefined;
      if (!row) return { documentFrequency: 0, postings: [] };
      const postings = limit <= 0 ? [] : (this.sql.postings.all(row.id, limit) as { key: string; impact: number }[]);
      return { documentFrequency: row.document_frequency, postings };
    });
  }

  /** One range read per run of adjacent positions: passages ask for runs of neighbouring sentences. */
  async sentenceTerms(keys: readonly string[]): Promise<(string[] | null)[]> {
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
  }

  async textStats(): Promise<TextIndexStats> {
    return { sentences: this.meta('sentences'), terms: this.meta('terms') };
  }

  async writeArticle(prepared: PreparedArticle): Promise<WriteOutcome> {
    return this.writer.write(prepared);
  }

  async articleHashes(ids: readonly string[]): Promise<(string | null)[]> {
    return ids.map((id) => (this.sql.contentHash.pluck().get(id) as string | undefined) ?? null);
  }

  /** Every write is durable when it returns. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private meta(key: MetaKey): number {
    return (this.sql.meta.pluck().get(key) as number | undefined) ?? 0;
  }
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
