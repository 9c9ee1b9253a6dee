import { LRUCache } from 'lru-cache';

/**
 * Retrievals of the current corpus version, by question. Retrieval walks the graph and ranks a pool of hundreds
 * of sentences lexically on every ask; for a repeated question (every cached ask) that was most of the request's
 * time, although its result only changes with the corpus. Promises are kept, so concurrent asks share one walk.
 * One per app (createApp makes it, over one store): a retrieval depends only on the store's content and the question.
 */
export class RetrievalMemo<T extends object> {
  private version: string | null = null;
  private readonly entries: LRUCache<string, Promise<T>>;

  constructor(maxEntries = 1_000) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  get(version: string, key: string, retrieve: () => Promise<T>): Promise<T> {
    // A new corpus version makes every earlier retrieval stale.
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    const hit = this.entries.get(key);
    if (hit) return hit;
    const made = retrieve();
    this.entries.set(key, made);
    made.catch(() => this.entries.peek(key) === made && this.entries.delete(key));
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
