import type { AnswerCache } from './answer-cache.js';
import { join } from 'node:path';
import { MemoryAnswerCache, type MemoryAnswerCacheOptions } from './memory-answer-cache.js';
import { DATABASE_FILE, SqliteStore } from './sqlite-store.js';
import { RedisAnswerCache } from './redis-answer-cache.js';
import { RedisUnavailableError } from './redis/connection.js';
import { parseRedisUrl } from './redis/url.js';
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
  /** Bounds of the answer cache: its TTL (in memory and on Redis) and, in memory, its entries and bytes. */
  answerCache?: MemoryAnswerCacheOptions;
  /** Lines for the operator about the store's files (the embedded store's open checks). */
  notice?: (line: string) => void;
}

/** A store and the answer cache that goes with it: on Redis, one shared by every process serving the corpus. */
export interface OpenedStore {
  store: GraphStore;
  answerCache: AnswerCache;
  /** Where the data lives, for messages: the database file, or the Redis URL without credentials. */
  location: string;
}

export class StoreConfigError extends Error {}

export async function openStore({ url, dataDir, notice, answerCache }: StoreOptions): Promise<OpenedStore> {
  if (url === 'sqlite' || url === 'memory') {
    const store = await SqliteStore.open({ dataDir, notice });
    return { store, answerCache: new MemoryAnswerCache(answerCache), location: dataDir ? join(dataDir, DATABASE_FILE) : 'memory' };
  }
  if (/^redis(\+cluster)?:\/\//.test(url)) {
    let store: RedisStore;
    try {
      store = await RedisStore.open(url);
    } catch (error) {
      // A malformed URL is a usage error; an unreachable server keeps its own message.
      if (error instanceof RedisUnavailableError) throw error;
      throw new StoreConfigError(`store "${url}": ${(error as Error).message}`);
    }
    return { store, answerCache: new RedisAnswerCache(store, { ttlMs: answerCache?.ttlMs }), location: parseRedisUrl(url)?.display ?? url };
  }
  throw new StoreConfigError(`store "${url}" is not one of: sqlite, redis://host:port, redis+cluster://host:port,…`);
}
