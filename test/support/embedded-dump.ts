import Database from 'better-sqlite3';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../src/store/sqlite-store.js';

/** Everything the embedded store in `dataDir` holds about articles, sentences and concepts, in a stable order. */
export function dumpEmbeddedStore(dataDir: string) {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return {
      articles: db.prepare('SELECT article_id, title, year, sentence_count, content_hash FROM articles ORDER BY article_id').all(),
      sentences: db
        .prepare(
          `SELECT a.article_id || '#' || s.position AS key, a.article_id AS articleId, s.text, s.start, s.end, s.concept_ids, s.mentions, s.terms
           FROM sentences s JOIN articles a ON s.article = a.id ORDER BY a.article_id, s.position`,
        )
        .all() as { key: string; articleId: string; text: string }[],
      concepts: (db.prepare('SELECT concept_id, name, origin, forms, rank, degree FROM concepts ORDER BY concept_id').all() as { forms: string }[]).map(
        (c) => ({ ...c, forms: (JSON.parse(c.forms) as string[]).sort() }),
      ),
    };
  } finally {
    db.close();
  }
}
