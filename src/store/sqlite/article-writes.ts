import type { Database as Connection } from 'better-sqlite3';
import type { SentenceTokens } from '../../domain.js';
import { workerModuleUrl } from '../../paths.js';
import { THREAD_CLOSED, THREAD_EXITED, WorkerClient, type ThreadError } from '../../worker-rpc.js';
import { StoreError } from '../store-error.js';
import type { PreparedArticle, WriteOutcome } from '../store.js';
import { SqliteArticleWriter } from './article-writer.js';
import { durabilitySettings, type DurabilitySettings } from './connection.js';
import { storeErrorOf } from './errors.js';

/** Where the embedded store's write transactions run. */
export interface ArticleWrites {
  write(prepared: PreparedArticle): Promise<WriteOutcome>;
  putTokens(entries: readonly (readonly [string, SentenceTokens])[]): Promise<void>;
  /** The writing connection's journal mode and synchronous level. */
  settings(): Promise<DurabilitySettings>;
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
  return {
    write: (prepared) => client.call('write', [prepared]),
    putTokens: (entries) => client.call('putTokens', [entries]),
    settings: () => client.call('settings'),
    close: () => client.close(),
  };
}

/** Writes on the store's only connection: an in-memory database cannot be shared with another thread. */
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
    settings: () => run(() => durabilitySettings(db)),
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
