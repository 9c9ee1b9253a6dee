import { SqliteError } from 'better-sqlite3';
import { StoreError } from '../store-error.js';

/**
 * SQLite's result codes as a client can act on them. Extended codes (SQLITE_READONLY_DBMOVED, SQLITE_BUSY_SNAPSHOT,
 * SQLITE_IOERR_WRITE, …) share their primary code's prefix. Messages never name the file: clients see them.
 */
const MEANINGS: [prefix: string, error: () => StoreError][] = [
  ['SQLITE_READONLY', () => new StoreError('STORE_READ_ONLY', 'the store is read-only: nothing was written')],
  ['SQLITE_PERM', () => new StoreError('STORE_READ_ONLY', 'the store is read-only: nothing was written')],
  ['SQLITE_FULL', () => new StoreError('STORE_FULL', "the store's disk is full: nothing was written")],
  ['SQLITE_BUSY', () => new StoreError('STORE_UNAVAILABLE', 'the store is busy (another process holds its write lock): nothing was written; retry later')],
  ['SQLITE_LOCKED', () => new StoreError('STORE_UNAVAILABLE', 'the store is busy: nothing was written; retry later')],
  ['SQLITE_CORRUPT', () => new StoreError('STORE_CORRUPT', "the store's database file is damaged")],
  ['SQLITE_NOTADB', () => new StoreError('STORE_CORRUPT', "the store's database file is damaged")],
  ['SQLITE_IOERR', () => new StoreError('STORE_UNAVAILABLE', 'the store could not reach its disk (I/O error): nothing was written; retry later')],
  ['SQLITE_CANTOPEN', () => new StoreError('STORE_UNAVAILABLE', 'the store cannot open its files: nothing was written')],
];

/** The StoreError an SQLite failure means, carrying SQLite's own message as its cause; other errors unchanged. */
export function storeErrorOf(error: unknown): unknown {
  const code = sqliteCode(error);
  if (code === null) return error;
  const meaning = MEANINGS.find(([prefix]) => code.startsWith(prefix));
  if (!meaning) return error;
  const mapped = meaning[1]();
  mapped.cause = error;
  return mapped;
}

export function sqliteCode(error: unknown): string | null {
  if (error instanceof SqliteError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}
