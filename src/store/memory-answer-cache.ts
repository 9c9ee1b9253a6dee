import { LRUCache } from 'lru-cache';
import type { AnswerCache, AnswerCacheKey, CachedSpan } from './answer-cache.js';

export interface MemoryAnswerCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
}

/** In-process answers, least recently used dropped first; each expires `ttlMs` after it was written. */
export class MemoryAnswerCache implements AnswerCache {
  private readonly entries: LRUCache<string, CachedSpan>;

  constructor({ maxEntries = 100_000, ttlMs = 24 * 3600_000 }: MemoryAnswerCacheOptions = {}) {
    this.entries = new LRUCache({ max: maxEntries, ttl: ttlMs });
  }

  async getMany(keys: readonly AnswerCacheKey[]): Promise<(CachedSpan | null)[]> {
    return keys.map((key) => this.entries.get(entryKey(key)) ?? null);
  }

  async setMany(entries: readonly (readonly [AnswerCacheKey, CachedSpan])[]): Promise<void> {
    for (const [key, span] of entries) this.entries.set(entryKey(key), span);
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  get processEntries(): number {
    return this.entries.size;
  }
}

function entryKey({ scope, passageKey, textDigest }: AnswerCacheKey): string {
  return `${scope}|${passageKey}|${textDigest}`;
}
