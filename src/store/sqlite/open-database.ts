import type { Database as Connection } from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../../format-bytes.js';
import { readSnapshot, SNAPSHOT_FILE } from '../snapshot.js';
import { openConnection } from './connection.js';
import { sqliteCode } from './errors.js';
import { createSchema, LAYOUT_VERSION, MIGRATIONS } from './schema.js';
import { IMPORTED_META_KEY, importSnapshot } from './snapshot-import.js';

export const DATABASE_FILE = 'kgqa.sqlite';
/** Where a graph.json snapshot is imported before the database takes its name: a crash leaves no half database. */
const IMPORTING_FILE = `${DATABASE_FILE}.importing`;
/** The temporary files the JSON store wrote before each rename (graph.json.<pid>.tmp), left behind by kills. */
const SNAPSHOT_LEFTOVER = /^graph\.json\.\d+\.tmp$/;
const SQLITE_MAGIC = 'SQLite format 3\u0000';
const TABLES = ['meta', 'articles', 'sentences', 'tokens', 'concepts', 'concept_sentences', 'edges', 'edge_years', 'edge_sentences', 'concept_edges', 'terms', 'postings'];

/** A database that cannot be opened: one line for the operator, naming the file and what to do. */
export class StoreOpenError extends Error {
  constructor(file: string, problem: string, remedy: string) {
    super(`${file} ${problem}: ${remedy}`);
    this.name = 'StoreOpenError';
  }
}

export interface OpenedDatabase {
  db: Connection;
  file: string;
  /** The file cannot be written (permissions, read-only file system): reads are served, writes answer STORE_READ_ONLY. */
  readOnly: boolean;
}

/**
 * Opens `dataDir/kgqa.sqlite` after the checks that cost nothing whatever its size: temporary files of an earlier
 * crash removed, an old graph.json snapshot imported once, the SQLite header, the tables and the layout version
 * (migrated when older). The O(size) structure check runs afterwards, in the background (integrity-check.ts).
 */
export async function openDatabaseFile(dataDir: string, notice: (line: string) => void): Promise<OpenedDatabase> {
  const file = join(dataDir, DATABASE_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new StoreOpenError(dataDir, `cannot be created (${(error as NodeJS.ErrnoException).code})`, 'choose another --data-dir, or create it');
  }
  removeLeftovers(dataDir, notice);
  await importSnapshotOnce(dataDir, file, notice);
  checkHeader(file);
  let db: Connection;
  try {
    db = openConnection(file, 'reader');
  } catch (error) {
    throw openFailure(file, dataDir, error);
  }
  try {
    prepareLayout(db, file);
  } catch (error) {
    db.close();
    throw error instanceof StoreOpenError ? error : openFailure(file, dataDir, error);
  }
  return { db, file, readOnly: !writable(file) };
}

function removeLeftovers(dataDir: string, notice: (line: string) => void): void {
  let removed = 0;
  let bytes = 0;
  for (const name of readdirSync(dataDir)) {
    if (!SNAPSHOT_LEFTOVER.test(name) && !name.startsWith(IMPORTING_FILE)) continue;
    const path = join(dataDir, name);
    try {
      const size = statSync(path).size;
      rmSync(path, { force: true });
      removed++;
      bytes += size;
    } catch {
      // A read-only folder keeps its leftovers; they are only disk space.
    }
  }
  if (removed > 0) notice(`removed ${removed} temporary files an interrupted run left in ${dataDir} (${formatBytes(bytes)})`);
}

/**
 * The JSON store's snapshot becomes the database once: imported into a temporary file that takes the database's
 * name when complete, then renamed graph.json.imported. A database not made from it is never merged with it.
 */
async function importSnapshotOnce(dataDir: string, file: string, notice: (line: string) => void): Promise<void> {
  const snapshotPath = join(dataDir, SNAPSHOT_FILE);
  if (!existsSync(snapshotPath)) return;
  const keptAs = `${snapshotPath}.imported`;
  if (existsSync(file)) {
    if (!madeFromSnapshot(file)) {
      throw new StoreOpenError(snapshotPath, `is an old kgqa snapshot beside the database ${file}`, 'move one of them away (a snapshot is imported only into a new database)');
    }
    renameSync(snapshotPath, keptAs);
    return;
  }
  const started = performance.now();
  const snapshot = await readSnapshot(dataDir);
  const importing = join(dataDir, IMPORTING_FILE);
  const db = openConnection(importing, 'reader');
  let articles: number;
  try {
    createSchema(db);
    articles = importSnapshot(db, snapshot!);
    db.close();
  } catch (error) {
    db.close();
    removeLeftovers(dataDir, () => undefined);
    throw new StoreOpenError(snapshotPath, `could not be imported (${(error as Error).message})`, 'move it away to start an empty store');
  }
  renameSync(importing, file);
  renameSync(snapshotPath, keptAs);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  notice(`imported the old snapshot ${snapshotPath} (${articles} articles) into ${file} in ${seconds} s; it is kept as ${keptAs}`);
}

function madeFromSnapshot(file: string): boolean {
  const db = openConnection(file, 'reader');
  try {
    return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(IMPORTED_META_KEY) === 1;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

function checkHeader(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return;
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (header.toString('latin1') !== SQLITE_MAGIC) {
    throw new StoreOpenError(file, 'is not an SQLite database (its header is damaged, or it is another file)', 'restore it from a backup (kgqa backup), or move it away to start an empty store');
  }
}

/** A new database gets the schema; an existing one must be kgqa's, of this layout or an older one (migrated here). */
function prepareLayout(db: Connection, file: string): void {
  const tables = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]);
  if (tables.size === 0) return createSchema(db);
  const missing = TABLES.filter((table) => !tables.has(table));
  if (missing.length > 0) {
    throw new StoreOpenError(file, `is not a kgqa database (it has no table ${missing[0]})`, 'point --data-dir at a kgqa data folder, or move the file away');
  }
  const layout = db.prepare("SELECT value FROM meta WHERE key = 'layout'").pluck().get() as number | undefined;
  if (layout === undefined || layout > LAYOUT_VERSION) {
    throw new StoreOpenError(file, `was written by a newer kgqa (layout ${layout ?? 'unknown'}; this one reads up to ${LAYOUT_VERSION})`, 'upgrade kgqa');
  }
  if (layout === LAYOUT_VERSION) return;
  if (!writable(file)) {
    throw new StoreOpenError(file, `has layout ${layout} and must be upgraded to ${LAYOUT_VERSION}, which writes to it`, 'open it once with write access');
  }
  db.transaction(() => {
    for (let from = layout; from < LAYOUT_VERSION; from++) db.exec(MIGRATIONS[from]);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'layout'").run(LAYOUT_VERSION);
  }).immediate();
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** What an SQLite failure at open means for the operator. */
function openFailure(file: string, dataDir: string, error: unknown): Error {
  const code = sqliteCode(error);
  if (code?.startsWith('SQLITE_NOTADB') || code?.startsWith('SQLITE_CORRUPT')) {
    return new StoreOpenError(file, `is damaged (${(error as Error).message})`, 'restore it from a backup (kgqa backup), or move it away to start an empty store');
  }
  if (code?.startsWith('SQLITE_CANTOPEN') && !writable(dataDir)) {
    return new StoreOpenError(
      file,
      'cannot be opened: its folder is read-only, and SQLite must create kgqa.sqlite-wal and kgqa.sqlite-shm beside it',
      `make ${dataDir} writable`,
    );
  }
  if (code?.startsWith('SQLITE_BUSY')) {
    return new StoreOpenError(file, 'is locked by another process', 'retry once its write finishes');
  }
  if (code !== null) return new StoreOpenError(file, `cannot be opened (${(error as Error).message})`, 'check its permissions and disk');
  return error as Error;
}
