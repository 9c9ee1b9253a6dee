import Database, { type Database as Connection } from 'better-sqlite3';

/**
 * How each connection to the database is set up. Memory: SQLite's page cache is per connection and bounded by
 * cache_size; reads go through read(2), so the file's hot pages live in the OS page cache, outside the process
 * (mmap would count them in the RSS of the server). The writer's is larger: an article's postings touch pages all
 * over their b-tree, and 64 MB instead of 16 MB took the 10x corpus's ingest from 82 s to 66 s (sys time 27 s to
 * 19 s, fewer page reads); docs/benchmarks.md, Embedded store.
 */
export const CONNECTION_CACHE_KIB = { reader: 32 * 1024, writer: 64 * 1024 } as const;
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
    // The writer commits each article without an fsync (NORMAL: atomic, and durable once the log is synced) and
    // syncs the log once per batch, before the batch is acknowledged (syncLog): an fsync per article was 3-6 s of
    // the 7-10 s of ingesting the 1x corpus. Other connections write only their setup, at FULL.
    db.pragma(`synchronous = ${role === 'writer' ? 'NORMAL' : 'FULL'}`);
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

/**
 * Makes every commit so far durable: one small commit at synchronous = FULL fsyncs the log, and with it every frame
 * written before it.
 */
export function syncLog(db: Connection): void {
  db.pragma('synchronous = FULL');
  try {
    db.prepare("INSERT INTO meta (key, value) VALUES ('syncs', 1) ON CONFLICT (key) DO UPDATE SET value = value + 1").run();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}
