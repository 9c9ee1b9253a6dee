import type { Database as Connection } from 'better-sqlite3';
import type { SentenceRecord } from '../../domain.js';
import { indexTerms } from '../../text/index-terms.js';
import type { Snapshot } from '../snapshot.js';
import type { PreparedArticle } from '../store.js';
import { SqliteArticleWriter } from './article-writer.js';

/** Meta key set in a database made from a graph.json snapshot, so an interrupted rename is finished, not re-imported. */
export const IMPORTED_META_KEY = 'imported_snapshot';

/**
 * Writes the articles of a JSON snapshot (the embedded store before SQLite) into a new database, each as the
 * ingest would have prepared it: its sentences and mentions as stored, index terms computed again. The old
 * content hashes are kept, so re-ingesting an imported document replaces it once (today's hash also covers the
 * index terms).
 */
export function importSnapshot(db: Connection, snapshot: Snapshot): number {
  const sentencesByArticle = new Map<string, SentenceRecord[]>();
  for (const sentence of snapshot.sentences) {
    const list = sentencesByArticle.get(sentence.articleId) ?? [];
    list.push(sentence);
    sentencesByArticle.set(sentence.articleId, list);
  }
  const concepts = new Map(snapshot.concepts.map((concept) => [concept.id, concept]));
  const tokens = new Map(snapshot.tokens);
  const writer = new SqliteArticleWriter(db);
  for (const article of snapshot.articles) {
    const sentences = (sentencesByArticle.get(article.id) ?? []).sort((a, b) => a.position - b.position);
    const mentioned: PreparedArticle['concepts'] = new Map();
    for (const id of new Set(sentences.flatMap((s) => s.conceptIds))) {
      const concept = concepts.get(id);
      if (!concept) throw new Error(`concept ${id} of article ${article.id} is missing from the snapshot`);
      mentioned.set(id, { name: concept.name, origin: concept.origin, surfaceForms: concept.surfaceForms });
    }
    writer.write({
      article,
      sentences,
      concepts: mentioned,
      terms: sentences.map((sentence) => indexTerms(sentence.text)),
      tokens: new Map(sentences.flatMap((s) => (tokens.has(s.key) ? [[s.key, tokens.get(s.key)!] as const] : []))),
    });
  }
  db.prepare('INSERT INTO meta (key, value) VALUES (?, 1)').run(IMPORTED_META_KEY);
  return snapshot.articles.length;
}
