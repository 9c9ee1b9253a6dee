import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkDatabase } from './integrity.js';
import { DATABASE_FILE, StoreOpenError } from './open-database.js';

export interface BackupResult {
  articles: number;
  bytes: number;
  seconds: number;
}

/**
 * Copies the store to `target` while it serves: VACUUM INTO reads one consistent snapshot (WAL lets writers go on)
 * and writes a compacted copy, which is checked before it takes its name, so a failed or interrupted backup
 * never leaves a file that looks like a backup. The online backup API was not chosen: it restarts from the first
 * page whenever another connection writes, so a backup taken during a long ingest might never finish.
 */
export function backupDatabase(dataDir: string, target: string): BackupResult {
  const source = join(dataDir, DATABASE_FILE);
  if (!existsSync(source)) throw new StoreOpenError(source, 'does not exist', 'give the --data-dir of a kgqa store');
  if (existsSync(target)) throw new StoreOpenError(target, 'already exists', 'choose a new file name for the backup');
  const started = performance.now();
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new StoreOpenError(target, `could not be written (${(error as Error).message})`, 'check that its folder exists and has room');
  } finally {
    db.close();
  }
  const copy = new Database(partial, { readonly: true, fileMustExist: true });
  let articles: number;
  try {
    const problems = checkDatabase(copy, 'quick');
    if (problems.length > 0) throw new StoreOpenError(source, `gave a damaged copy (${problems[0]})`, 'run kgqa check on it');
    articles = (copy.prepare("SELECT value FROM meta WHERE key = 'articles'").pluck().get() as number | undefined) ?? 0;
  } catch (error) {
    copy.close();
    rmSync(partial, { force: true });
    throw error;
  }
  copy.close();
  renameSync(partial, target);
  return { articles, bytes: statSync(target).size, seconds: (performance.now() - started) / 1000 };
}
