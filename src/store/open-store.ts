import { MemoryStore } from './memory-store.js';
import { RedisUnavailableError } from './redis/connection.js';
import { RedisStore } from './redis-store.js';
import type { GraphStore } from './store.js';

export interface StoreOptions {
  /** `memory` (default), `redis://host:port[/db][?namespace=NAME]` or `redis+cluster://host:port,…[?namespace=NAME]`. */
  url: string;
  dataDir?: string;
}

export class StoreConfigError extends Error {}

export async function openStore({ url, dataDir }: StoreOptions): Promise<GraphStore> {
  if (url === 'memory') return MemoryStore.open({ dataDir });
  if (/^redis(\+cluster)?:\/\//.test(url)) {
    try {
      return await RedisStore.open(url);
    } catch (error) {
      // A malformed URL is a usage error; an unreachable server keeps its own message.
      if (error instanceof RedisUnavailableError) throw error;
      throw new StoreConfigError(`store "${url}": ${(error as Error).message}`);
    }
  }
  throw new StoreConfigError(`store "${url}" is not one of: memory, redis://host:port, redis+cluster://host:port,…`);
}
