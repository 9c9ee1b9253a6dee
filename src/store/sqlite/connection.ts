import Database, { type Database as Connection } from 'better-sqlite3';

/**
 * How each connection to the database is set up. Memory: SQLite's page cache is per connection and bounded by
 * cache_size; reads go through read(2), so the file's hot pages live in the OS page cache, outside the process
 * (mmap would count them in the RSS of the server; measured in docs/benchmarks.md, Embedded store).
 */
export const CONNECTION_CACHE_KIB = { reader: 32 * 1024, writer: 16 * 1024 } as const;
/** A write waits this long for another process's write lock before answering STORE_UNAVAILABLE. */
export const BUSY_TIMEOUT_MS = 5_000;
/** After a checkpoint the WAL file is cut back to this size, so one large ingest does not keep its disk space. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export type ConnectionRole = keyof typeof CONNECTION_CACHE_KIB;

/** A connection to the database file (or ':memory:'), with the settings every connection of the store shares. */
export function openConnection(file: string, role: ConnectionRole): Connection {
  const db = new Database(file, { fileMustExist: file !== ':memory:' && role === 'writer' });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL: readers never wait for the writer, and a commit is one append to the log.
    db.pragma('journal_mode = WAL');
    // FULL: the log is fsynced at every commit, so an acknowledged write survives a power loss; this SQLite build
    // defaults WAL connections to NORMAL, which may lose the last commits.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = OFF');
    db.pragma(`cache_size = ${-CONNECTION_CACHE_KIB[role]}`);
    db.pragma('mmap_size = 0');
    // A damaged page is reported when it is read (STORE_CORRUPT) instead of being served.
    db.pragma('cell_size_check = ON');
    if (role === 'writer') db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** What the writer's connection promises; a test reads it back from the writer itself. */
export interface DurabilitySettings {
  journalMode: string;
  /** 2 is FULL. */
  synchronous: number;
}

export function durabilitySettings(db: Connection): DurabilitySettings {
  return {
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
  };
}
