import type { Database as Connection } from 'better-sqlite3';
import type { SentenceTokens } from '../../domain.js';
import { workerModuleUrl } from '../../paths.js';
import { THREAD_CLOSED, THREAD_EXITED, WorkerClient, type ThreadError } from '../../worker-rpc.js';
import { StoreError } from '../store-error.js';
import type { PreparedArticle, WriteOutcome } from '../store.js';
import { SqliteArticleWriter, type GroupResult } from './article-writer.js';
import { storeErrorOf } from './errors.js';

/**
 * Articles committed together at most. Grouping cuts the log's volume: each article touches ~1,000 pages of the
 * postings b-tree (one per distinct term) and rewrote them all in its own commit; measured in docs/benchmarks.md.
 */
const GROUP_SIZE = 32;

/** Where the embedded store's write transactions run. */
export interface ArticleWrites {
  write(prepared: PreparedArticle): Promise<WriteOutcome>;
  putTokens(entries: readonly (readonly [string, SentenceTokens])[]): Promise<void>;
  /** Removes the stored articles among `ids` in one transaction; returns their ids. */
  deleteMany(ids: readonly string[]): Promise<string[]>;
  drop(): Promise<void>;
  /** Makes every write returned so far durable (fsyncs the log). */
  sync(): Promise<void>;
  /** Waits for the write in progress, then closes the writing connection. */
  close(): Promise<void>;
}

/**
 * Writes on a worker thread with its own connection: a transaction (matching rows, updating ranks and postings,
 * fsyncing the log) never blocks the event loop, and WAL lets the main thread's connection read meanwhile.
 */
export async function startWriterThread(file: string): Promise<ArticleWrites> {
  const { client } = await WorkerClient.start(workerModuleUrl(import.meta.url, './writer-thread.js'), file, {
    name: 'kgqa store writer',
    failure: (error) => asStoreError(error),
  });
  // Group commit: the writes that arrive while the writer is busy go as one transaction (GROUP_SIZE at most).
  const waiting: { prepared: PreparedArticle; resolve: (outcome: WriteOutcome) => void; reject: (error: Error) => void }[] = [];
  let writing: Promise<void> | null = null;
  const sendGroup = (): void => {
    if (writing || waiting.length === 0) return;
    const group = waiting.splice(0, GROUP_SIZE);
    writing = client
      .call<GroupResult[]>('writeMany', [group.map((entry) => entry.prepared)])
      .then(
        (results) => results.forEach((result, i) => ('outcome' in result ? group[i].resolve(result.outcome) : group[i].reject(asStoreError(result.error)))),
        (error: Error) => group.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        writing = null;
        sendGroup();
      });
  };
  const idle = async (): Promise<void> => {
    while (writing) await writing;
  };
  return {
    write: (prepared) =>
      new Promise((resolve, reject) => {
        waiting.push({ prepared, resolve, reject });
        sendGroup();
      }),
    putTokens: (entries) => client.call('putTokens', [entries]),
    // After the writes already queued: the thread serves calls in the order sent.
    deleteMany: (ids) => idle().then(() => client.call<string[]>('deleteMany', [ids])),
    drop: () => idle().then(() => client.call('drop')),
    sync: () => idle().then(() => client.call('sync')),
    close: () => idle().then(() => client.close()),
  };
}

/** Writes on the store's only connection: an in-memory database cannot be shared with another thread, nor synced. */
export function inProcessWrites(db: Connection): ArticleWrites {
  const writer = new SqliteArticleWriter(db);
  const run = <T>(write: () => T): Promise<T> => {
    try {
      return Promise.resolve(write());
    } catch (error) {
      return Promise.reject(storeErrorOf(error));
    }
  };
  return {
    write: (prepared) => run(() => writer.write(prepared)),
    putTokens: (entries) => run(() => writer.putTokens(entries)),
    deleteMany: (ids) => run(() => writer.deleteMany(ids)),
    drop: () => run(() => writer.drop()),
    sync: async () => undefined,
    close: async () => undefined,
  };
}

/** A failure reported by the writer thread, as the StoreError its SQLite code means (else a plain Error). */
function asStoreError(error: ThreadError): Error {
  if (error.name === THREAD_CLOSED) return new StoreError('STORE_CLOSED', 'the store is closed: nothing was written');
  if (error.name === THREAD_EXITED) return new StoreError('STORE_UNAVAILABLE', `the store's writer stopped (${error.message}): nothing was written`);
  const mapped = storeErrorOf(error);
  if (mapped instanceof StoreError) return mapped;
  return Object.assign(new Error(error.message), { name: error.name });
}
