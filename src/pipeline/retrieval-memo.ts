import type { GraphStore } from '../store/store.js';

/**
 * Retrievals of the current corpus version, by question. Retrieval walks the graph and ranks a pool of hundreds
 * of sentences lexically on every ask; for a repeated question (every cached ask) that was most of the request's
 * time, although its result only changes with the corpus. Promises are kept, so concurrent asks share one walk.
 */
export class RetrievalMemo<T> {
  private version: string | null = null;
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly maxEntries = 1_000) {}

  get(version: string, key: string, retrieve: () => Promise<T>): Promise<T> {
    // A new corpus version makes every earlier retrieval stale.
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    const hit = this.entries.get(key);
    if (hit) {
      // Re-inserted, so the Map's insertion order is least recently used first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const made = retrieve();
    this.entries.set(key, made);
    made.catch(() => this.entries.get(key) === made && this.entries.delete(key));
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return made;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every retrieval (benchmarks of uncached asks start from nothing). */
  clear(): void {
    this.entries.clear();
  }
}

const memos = new WeakMap<GraphStore, RetrievalMemo<unknown>>();

/** One memo per store: what retrieval returns depends only on the store's content and the question. */
export function retrievalMemo<T>(store: GraphStore): RetrievalMemo<T> {
  let memo = memos.get(store);
  if (!memo) memos.set(store, (memo = new RetrievalMemo()));
  return memo as RetrievalMemo<T>;
}
