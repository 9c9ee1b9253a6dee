import type { AnswerCache } from './answer-cache.js';
import { MemoryAnswerCache } from './memory-answer-cache.js';
import { SqliteStore } from './sqlite-store.js';
import { RedisAnswerCache } from './redis-answer-cache.js';
import { RedisUnavailableError } from './redis/connection.js';
import { RedisStore } from './redis-store.js';
import type { GraphStore } from './store.js';

export interface StoreOptions {
  /**
   * `sqlite` (default: the embedded store, in `dataDir`), `redis://host:port[/db][?namespace=NAME]` or
   * `redis+cluster://host:port,…[?namespace=NAME]`. `memory`, the embedded store's name before it moved to SQLite,
   * still means `sqlite`.
   */
  url: string;
  dataDir?: string;
}

/** A store and the answer cache that goes with it: on Redis, one shared by every process serving the corpus. */
export interface OpenedStore {
  store: GraphStore;
  answerCache: AnswerCache;
}

export class StoreConfigError extends Error {}

export async function openStore({ url, dataDir }: StoreOptions): Promise<OpenedStore> {
  if (url === 'sqlite' || url === 'memory') return { store: await SqliteStore.open({ dataDir }), answerCache: new MemoryAnswerCache() };
  if (/^redis(\+cluster)?:\/\//.test(url)) {
    let store: RedisStore;
    try {
      store = await RedisStore.open(url);
    } catch (error) {
      // A malformed URL is a usage error; an unreachable server keeps its own message.
      if (error instanceof RedisUnavailableError) throw error;
      throw new StoreConfigError(`store "${url}": ${(error as Error).message}`);
    }
    return { store, answerCache: new RedisAnswerCache(store) };
  }
  throw new StoreConfigError(`store "${url}" is not one of: sqlite, redis://host:port, redis+cluster://host:port,…`);
}
