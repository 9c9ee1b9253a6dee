import { MemoryStore } from './memory-store.js';
import type { GraphStore } from './store.js';

export interface StoreOptions {
  /** `memory` (default), later `redis://host:port` or `redis+cluster://host:port,…`. */
  url: string;
  dataDir?: string;
}

export class StoreConfigError extends Error {}

export async function openStore({ url, dataDir }: StoreOptions): Promise<GraphStore> {
  if (url === 'memory') return MemoryStore.open({ dataDir });
  if (/^redis(\+cluster)?:\/\//.test(url)) {
    throw new StoreConfigError(`store "${url}": Redis stores are not available in this version; use "memory"`);
  }
  throw new StoreConfigError(`store "${url}" is not one of: memory, redis://host:port, redis+cluster://host:port,…`);
}
