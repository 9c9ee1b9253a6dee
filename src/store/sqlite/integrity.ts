import Database, { type Database as Connection } from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteCode } from './errors.js';
import { DATABASE_FILE, StoreOpenError } from './open-database.js';
import { articleChecksum, sentenceChecksum, type ArticleRow, type SentenceRow } from './records.js';

/** Problems reported, at most: enough to say what is damaged. */
const MAX_PROBLEMS = 10;

export type CheckDepth =
  /** PRAGMA quick_check: every page's structure, O(file size), no index-to-table cross-check. */
  | 'quick'
  /** PRAGMA integrity_check, then every article and sentence row against its checksum. */
  | 'full';

/** What is wrong with the database, in SQLite's words; empty when nothing is. Reads only, in one read transaction. */
export function checkDatabase(db: Connection, depth: CheckDepth): string[] {
  try {
    return listProblems(db, depth);
  } catch (error) {
    // Damage SQLite cannot walk past (a page that is no b-tree page) stops the check itself.
    if (/^SQLITE_(CORRUPT|NOTADB)/.test(sqliteCode(error) ?? '')) return [(error as Error).message];
    throw error;
  }
}

function listProblems(db: Connection, depth: CheckDepth): string[] {
  return db.transaction(() => {
    const problems = (db.pragma(`${depth === 'quick' ? 'quick_check' : 'integrity_check'}(${MAX_PROBLEMS})`, { simple: false }) as Record<string, string>[])
      .map((row) => Object.values(row)[0])
      .filter((line) => line !== 'ok');
    if (depth === 'full') {
      for (const row of db.prepare('SELECT * FROM articles WHERE checksum IS NOT NULL').iterate() as Iterable<ArticleRow>) {
        if (problems.length >= MAX_PROBLEMS) break;
        if (articleChecksum(row) !== row.checksum) problems.push(`article ${row.article_id} does not match its checksum`);
      }
      for (const row of db.prepare('SELECT * FROM sentences WHERE checksum IS NOT NULL').iterate() as Iterable<SentenceRow>) {
        if (problems.length >= MAX_PROBLEMS) break;
        if (sentenceChecksum(row) !== row.checksum) problems.push(`sentence ${row.position} of article row ${row.article} does not match its checksum`);
      }
    }
    return problems;
  })();
}

/** `kgqa check`: the full check of a store's file, on a read-only connection (a server may be serving it). */
export function checkDatabaseFile(dataDir: string): { file: string; problems: string[]; seconds: number } {
  const file = join(dataDir, DATABASE_FILE);
  if (!existsSync(file)) throw new StoreOpenError(file, 'does not exist', 'give the --data-dir of a kgqa store');
  const started = performance.now();
  let problems: string[];
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      problems = checkDatabase(db, 'full');
    } finally {
      db.close();
    }
  } catch (error) {
    problems = [(error as Error).message];
  }
  return { file, problems, seconds: (performance.now() - started) / 1000 };
}
