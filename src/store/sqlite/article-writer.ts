import type { Database, Statement } from 'better-sqlite3';
import { canonicalEdge, sentenceKey, type SentenceTokens } from '../../domain.js';
import { postingImpact } from '../../text/bm25.js';
import { joinTerms, splitTerms, termCounts } from '../../text/index-terms.js';
import { articleContributions, type ArticleContributions } from '../article-contributions.js';
import type { PreparedArticle, WriteOutcome } from '../store.js';
import { articleChecksum, decodeSentence, encodeMentions, int32Blob, sentenceChecksum, type SentenceRow } from './records.js';
import { threadError, type ThreadError } from '../../worker-rpc.js';
import { StoreError } from '../store-error.js';
import { storeErrorOf } from './errors.js';
import { DATA_TABLES, type MetaKey } from './schema.js';

/** Per article of `writeMany`: its outcome, or why it is not stored. */
export type GroupResult = { outcome: WriteOutcome } | { error: ThreadError };

type ConceptMeta = PreparedArticle['concepts'] extends Map<string, infer V> ? V : never;

/** What one version of an article adds to the graph and the text index: removed and added with opposite signs. */
interface ArticleContent {
  articleId: string;
  year: number | null;
  contributions: ArticleContributions;
  /** Index terms per sentence position. */
  terms: string[][];
}

/**
 * Writes articles into the embedded store, each in one transaction: the previous version's contribution to every
 * concept, edge and posting list is subtracted and the new one added, so a write is atomic, a replay changes
 * nothing, and removing an article leaves exactly what the others contributed. Synchronous: it runs on the
 * writer thread's own connection (writer-thread.ts), or on the only connection of an in-memory store.
 */
export class SqliteArticleWriter {
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly db: Database;
  readonly write: (prepared: PreparedArticle) => WriteOutcome;
  readonly putTokens: (entries: readonly (readonly [string, SentenceTokens])[]) => void;
  /** Removes the articles that exist, in one transaction; returns their ids. */
  readonly deleteMany: (ids: readonly string[]) => string[];
  /** Removes every article, concept, edge and term in one transaction. */
  readonly drop: () => void;

  constructor(db: Database) {
    this.sql = prepareStatements(db);
    // IMMEDIATE: the write lock is taken first, so a transaction waits (busy_timeout) for another process's writer
    // instead of failing at once when its read snapshot turns stale on the first write (SQLITE_BUSY_SNAPSHOT).
    const write = db.transaction((prepared: PreparedArticle) => this.writeArticle(prepared));
    const putTokens = db.transaction((entries: readonly (readonly [string, SentenceTokens])[]) => {
      for (const [key, tokens] of entries) {
        const parsed = this.sentenceLocation(key);
        if (!parsed) continue;
        this.sql.insertTokens.run(parsed.article, parsed.position, tokens.fingerprint, int32Blob(tokens.ids), int32Blob(tokens.offsets));
      }
    });
    const deleteMany = db.transaction((ids: readonly string[]) => ids.filter((id) => this.deleteArticle(id)));
    const drop = db.transaction(() => this.dropAll());
    this.write = (prepared) => write.immediate(prepared);
    this.putTokens = (entries) => putTokens.immediate(entries);
    this.deleteMany = (ids) => deleteMany.immediate(ids);
    this.drop = () => drop.immediate();
    this.db = db;
  }

  /**
   * Several articles in one transaction, each in its own savepoint, so a page several of them change is written
   * to the log once: an article that fails leaves nothing and the others go on. A failure of the store itself
   * (disk full, I/O error) fails the articles after it, and all of them if SQLite had to roll the transaction back.
   */
  writeMany(articles: readonly PreparedArticle[]): GroupResult[] {
    const { db } = this;
    db.exec('BEGIN IMMEDIATE');
    const results: GroupResult[] = [];
    let storeFailure: unknown = null;
    for (const prepared of articles) {
      if (storeFailure) {
        results.push({ error: threadError(storeFailure) });
        continue;
      }
      try {
        results.push({ outcome: this.write(prepared) });
      } catch (error) {
        if (storeErrorOf(error) instanceof StoreError) storeFailure = error;
        results.push({ error: threadError(error) });
      }
    }
    try {
      if (!db.inTransaction) throw storeFailure;
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      return articles.map(() => ({ error: threadError(error) }));
    }
    return results;
  }

  private writeArticle(prepared: PreparedArticle): WriteOutcome {
    const { article } = prepared;
    const stored = this.sql.articleByArticleId.get(article.id) as
      | { id: number; content_hash: string; year: number | null; sentence_count: number }
      | undefined;
    if (stored?.content_hash === article.contentHash) return 'unchanged';
    let rowId: number;
    if (stored) {
      this.apply(this.storedContent(stored.id, article.id, stored.year), -1);
      this.sql.deleteSentences.run(stored.id);
      this.sql.deleteTokens.run(stored.id);
      rowId = stored.id;
      this.addMeta('sentences', -stored.sentence_count);
    } else {
      rowId = Number(this.sql.insertArticle.run(article.id, article.title, article.year, article.sentenceCount, article.contentHash).lastInsertRowid);
      this.addMeta('articles', 1);
    }
    const articleRow = { id: rowId, article_id: article.id, title: article.title, year: article.year, sentence_count: article.sentenceCount, content_hash: article.contentHash };
    this.sql.updateArticle.run(article.title, article.year, article.sentenceCount, article.contentHash, articleChecksum(articleRow), rowId);
    prepared.sentences.forEach((sentence, position) => {
      const row = {
        article: rowId,
        position,
        text: sentence.text,
        start: sentence.start,
        end: sentence.end,
        concept_ids: JSON.stringify(sentence.conceptIds),
        mentions: encodeMentions(sentence),
        terms: joinTerms(prepared.terms[position] ?? []),
      };
      this.sql.insertSentence.run({ ...row, checksum: sentenceChecksum(row) });
      const tokens = prepared.tokens?.get(sentence.key);
      if (tokens) this.sql.insertTokens.run(rowId, position, tokens.fingerprint, int32Blob(tokens.ids), int32Blob(tokens.offsets));
    });
    this.addMeta('sentences', prepared.sentences.length);
    this.registerConcepts(prepared.concepts);
    this.apply({ articleId: article.id, year: article.year, contributions: articleContributions(prepared.sentences), terms: prepared.terms }, +1);
    this.addMeta('version', 1);
    return stored ? 'replaced' : 'created';
  }

  /** Subtracts what the article contributes, exactly as replacing it does, then removes its rows. */
  private deleteArticle(articleId: string): boolean {
    const stored = this.sql.articleByArticleId.get(articleId) as { id: number; year: number | null; sentence_count: number } | undefined;
    if (!stored) return false;
    this.apply(this.storedContent(stored.id, articleId, stored.year), -1);
    this.sql.deleteSentences.run(stored.id);
    this.sql.deleteTokens.run(stored.id);
    this.sql.deleteArticle.run(stored.id);
    this.addMeta('articles', -1);
    this.addMeta('sentences', -stored.sentence_count);
    this.addMeta('version', 1);
    return true;
  }

  /** Empties every table; the versions move on (not back to 0), so nothing cached for an earlier corpus matches. */
  private dropAll(): void {
    for (const table of DATA_TABLES) this.db.exec(`DELETE FROM ${table}`);
    for (const key of ['articles', 'sentences', 'concepts', 'edges', 'terms'] as const) this.sql.resetMeta.run(key);
    this.addMeta('version', 1);
    this.addMeta('lexicon', 1);
  }

  /** What the stored version of an article contributes, read back from its sentences (checksums verified). */
  private storedContent(rowId: number, articleId: string, year: number | null): ArticleContent {
    const rows = this.sql.sentencesOf.all(rowId) as SentenceRow[];
    const sentences = rows.map((row) => decodeSentence(articleId, row));
    const terms: string[][] = [];
    for (const row of rows) terms[row.position] = splitTerms(row.terms);
    return { articleId, year, contributions: articleContributions(sentences), terms };
  }

  /** New concepts get a row; known ones gain the forms this article knows them by. */
  private registerConcepts(concepts: ReadonlyMap<string, ConceptMeta>): void {
    for (const [id, meta] of concepts) {
      const row = this.sql.conceptByConceptId.get(id) as { id: number; forms: string; rank: number } | undefined;
      if (!row) {
        this.sql.insertConcept.run(id, meta.name, meta.origin, JSON.stringify(meta.surfaceForms));
        continue;
      }
      const forms = JSON.parse(row.forms) as string[];
      const known = new Set(forms);
      const added = meta.surfaceForms.filter((form) => !known.has(form) && known.add(form));
      if (added.length === 0) continue;
      this.sql.setConceptForms.run(JSON.stringify([...forms, ...added]), row.id);
      if (row.rank > 0) this.addMeta('lexicon', 1);
    }
  }

  private apply({ articleId, year, contributions, terms }: ArticleContent, sign: 1 | -1): void {
    const { sql } = this;
    const conceptRows = new Map<string, number>();
    for (const [conceptId, { positions }] of contributions.concepts) {
      const concept = sql.conceptByConceptId.get(conceptId) as { id: number; rank: number };
      conceptRows.set(conceptId, concept.id);
      const rank = concept.rank + sign * positions.length;
      sql.setConceptRank.run(rank, concept.id);
      if ((concept.rank > 0) !== (rank > 0)) {
        this.addMeta('concepts', rank > 0 ? 1 : -1);
        this.addMeta('lexicon', 1);
      }
      for (const position of positions) {
        const key = sentenceKey(articleId, position);
        if (sign > 0) sql.insertConceptSentence.run(concept.id, key);
        else sql.deleteConceptSentence.run(concept.id, key);
      }
    }
    for (const { edge, sentences } of contributions.edges.values()) {
      const { source, target } = canonicalEdge(edge.source, edge.target);
      const sourceRow = conceptRows.get(source)!;
      const targetRow = conceptRows.get(target)!;
      const stored = sql.edgeByEnds.get(sourceRow, targetRow) as { id: number; rank: number } | undefined;
      const before = stored?.rank ?? 0;
      const after = before + sign * sentences.length;
      let edgeRow = stored?.id;
      if (edgeRow === undefined) edgeRow = Number(sql.insertEdge.run(sourceRow, targetRow, after).lastInsertRowid);
      if (before > 0) {
        sql.deleteConceptEdge.run(sourceRow, before, target);
        sql.deleteConceptEdge.run(targetRow, before, source);
      }
      for (const [position, score] of sentences) {
        const key = sentenceKey(articleId, position);
        if (sign > 0) sql.insertEdgeSentence.run(edgeRow, score, key);
        else sql.deleteEdgeSentence.run(edgeRow, score, key);
      }
      if (year !== null) {
        sql.addEdgeYear.run({ edge: edgeRow, year, delta: sign * sentences.length });
        if (sign < 0) sql.dropEmptyEdgeYear.run(edgeRow, year);
      }
      if (after > 0) {
        sql.setEdgeRank.run(after, edgeRow);
        sql.insertConceptEdge.run(sourceRow, after, target, edgeRow);
        sql.insertConceptEdge.run(targetRow, after, source, edgeRow);
      } else {
        sql.deleteEdge.run(edgeRow);
        sql.deleteEdgeYears.run(edgeRow);
      }
      if (before === 0 && after > 0) this.changeDegrees([sourceRow, targetRow], 1);
      if (before > 0 && after === 0) this.changeDegrees([sourceRow, targetRow], -1);
    }
    // Each term's row is updated once per article (by the number of its sentences holding it), and the postings
    // are written in the table's order: per (sentence, term) statements took most of the writer's time.
    let termTotal = 0;
    const postings: { term: string; impact: number; key: string }[] = [];
    const sentencesWith = new Map<string, number>();
    terms.forEach((sentenceTerms, position) => {
      const key = sentenceKey(articleId, position);
      termTotal += sentenceTerms.length;
      for (const [term, frequency] of termCounts(sentenceTerms)) {
        postings.push({ term, impact: postingImpact(frequency, sentenceTerms.length), key });
        sentencesWith.set(term, (sentencesWith.get(term) ?? 0) + 1);
      }
    });
    const termRows = new Map<string, number>();
    for (const [term, count] of sentencesWith) {
      termRows.set(term, (sign > 0 ? sql.addTerm.pluck().get(term, count) : sql.termId.pluck().get(term)) as number);
    }
    postings.sort((a, b) => termRows.get(a.term)! - termRows.get(b.term)! || b.impact - a.impact);
    for (const { term, impact, key } of postings) (sign > 0 ? sql.insertPosting : sql.deletePosting).run(termRows.get(term), impact, key);
    if (sign < 0) {
      for (const [term, count] of sentencesWith) {
        sql.subtractTerm.run(count, termRows.get(term));
        sql.dropUnusedTerm.run(termRows.get(term));
      }
    }
    this.addMeta('terms', sign * termTotal);
  }

  private changeDegrees(conceptRows: number[], delta: number): void {
    for (const row of conceptRows) this.sql.addConceptDegree.run(delta, row);
    this.addMeta('edges', delta);
  }

  private addMeta(key: MetaKey, delta: number): void {
    if (delta !== 0) this.sql.addMeta.run({ key, delta });
  }

  private sentenceLocation(key: string): { article: number; position: number } | null {
    const hash = key.lastIndexOf('#');
    const position = Number(key.slice(hash + 1));
    if (hash < 0 || !Number.isInteger(position) || position < 0) return null;
    const article = this.sql.articleByArticleId.get(key.slice(0, hash)) as { id: number; sentence_count: number } | undefined;
    return article && position < article.sentence_count ? { article: article.id, position } : null;
  }
}

function prepareStatements(db: Database) {
  const statement = (source: string): Statement => db.prepare(source);
  return {
    articleByArticleId: statement('SELECT id, content_hash, year, sentence_count FROM articles WHERE article_id = ?'),
    insertArticle: statement('INSERT INTO articles (article_id, title, year, sentence_count, content_hash) VALUES (?, ?, ?, ?, ?)'),
    updateArticle: statement('UPDATE articles SET title = ?, year = ?, sentence_count = ?, content_hash = ?, checksum = ? WHERE id = ?'),
    sentencesOf: statement('SELECT * FROM sentences WHERE article = ?'),
    deleteSentences: statement('DELETE FROM sentences WHERE article = ?'),
    deleteTokens: statement('DELETE FROM tokens WHERE article = ?'),
    deleteArticle: statement('DELETE FROM articles WHERE id = ?'),
    resetMeta: statement('UPDATE meta SET value = 0 WHERE key = ?'),
    insertSentence: statement(
      `INSERT INTO sentences (article, position, text, start, end, concept_ids, mentions, terms, checksum)
       VALUES (@article, @position, @text, @start, @end, @concept_ids, @mentions, @terms, @checksum)`,
    ),
    insertTokens: statement('INSERT OR REPLACE INTO tokens (article, position, fingerprint, ids, offsets) VALUES (?, ?, ?, ?, ?)'),
    conceptByConceptId: statement('SELECT id, rank, degree, forms FROM concepts WHERE concept_id = ?'),
    insertConcept: statement('INSERT INTO concepts (concept_id, name, origin, forms) VALUES (?, ?, ?, ?)'),
    setConceptForms: statement('UPDATE concepts SET forms = ? WHERE id = ?'),
    setConceptRank: statement('UPDATE concepts SET rank = ? WHERE id = ?'),
    addConceptDegree: statement('UPDATE concepts SET degree = degree + ? WHERE id = ?'),
    insertConceptSentence: statement('INSERT INTO concept_sentences (concept, sentence_key) VALUES (?, ?)'),
    deleteConceptSentence: statement('DELETE FROM concept_sentences WHERE concept = ? AND sentence_key = ?'),
    edgeByEnds: statement('SELECT id, rank FROM edges WHERE source = ? AND target = ?'),
    insertEdge: statement('INSERT INTO edges (source, target, rank) VALUES (?, ?, ?)'),
    setEdgeRank: statement('UPDATE edges SET rank = ? WHERE id = ?'),
    deleteEdge: statement('DELETE FROM edges WHERE id = ?'),
    insertEdgeSentence: statement('INSERT INTO edge_sentences (edge, score, sentence_key) VALUES (?, ?, ?)'),
    deleteEdgeSentence: statement('DELETE FROM edge_sentences WHERE edge = ? AND score = ? AND sentence_key = ?'),
    addEdgeYear: statement(
      'INSERT INTO edge_years (edge, year, sentences) VALUES (@edge, @year, @delta) ON CONFLICT (edge, year) DO UPDATE SET sentences = sentences + @delta',
    ),
    deleteEdgeYears: statement('DELETE FROM edge_years WHERE edge = ?'),
    dropEmptyEdgeYear: statement('DELETE FROM edge_years WHERE edge = ? AND year = ? AND sentences <= 0'),
    insertConceptEdge: statement('INSERT INTO concept_edges (concept, rank, other_id, edge) VALUES (?, ?, ?, ?)'),
    deleteConceptEdge: statement('DELETE FROM concept_edges WHERE concept = ? AND rank = ? AND other_id = ?'),
    termId: statement('SELECT id FROM terms WHERE term = ?'),
    addTerm: statement(
      'INSERT INTO terms (term, document_frequency) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET document_frequency = document_frequency + excluded.document_frequency RETURNING id',
    ),
    subtractTerm: statement('UPDATE terms SET document_frequency = document_frequency - ? WHERE id = ?'),
    dropUnusedTerm: statement('DELETE FROM terms WHERE id = ? AND document_frequency <= 0'),
    insertPosting: statement('INSERT INTO postings (term, impact, sentence_key) VALUES (?, ?, ?)'),
    deletePosting: statement('DELETE FROM postings WHERE term = ? AND impact = ? AND sentence_key = ?'),
    addMeta: statement('INSERT INTO meta (key, value) VALUES (@key, @delta) ON CONFLICT (key) DO UPDATE SET value = value + @delta'),
  };
}
