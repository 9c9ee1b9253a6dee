import { LRUCache } from 'lru-cache';
import { parsePassageKey } from '../domain.js';
import { DEFAULT_ANSWER_TTL_MS, type AnswerCache, type AnswerCacheKey, type CachedSpan } from './answer-cache.js';

export interface MemoryAnswerCacheOptions {
  maxEntries?: number;
  /** Bound on the entries' estimated size (ENTRY_OVERHEAD_BYTES plus the key's and article id's characters each). */
  maxBytes?: number;
  ttlMs?: number;
}

export const DEFAULT_MEMORY_ANSWER_CACHE = { maxEntries: 100_000, maxBytes: 64 * 1024 * 1024, ttlMs: DEFAULT_ANSWER_TTL_MS } as const;

/**
 * Heap an entry costs besides its strings' characters: the entry and span objects with three numbers, and
 * lru-cache's slots for it (key, value, size, TTL start, two list links). An estimate; the byte bound is what an
 * operator sizes with.
 */
const ENTRY_OVERHEAD_BYTES = 120;

interface Entry {
  span: CachedSpan;
  /** The article the passage belongs to (what forgetArticles matches). */
  articleId: string;
}

/** In-process answers, least recently used dropped first; each expires `ttlMs` after it was written. */
export class MemoryAnswerCache implements AnswerCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor({
    maxEntries = DEFAULT_MEMORY_ANSWER_CACHE.maxEntries,
    maxBytes = DEFAULT_MEMORY_ANSWER_CACHE.maxBytes,
    ttlMs = DEFAULT_MEMORY_ANSWER_CACHE.ttlMs,
  }: MemoryAnswerCacheOptions = {}) {
    this.entries = new LRUCache({
      max: maxEntries,
      maxSize: maxBytes,
      sizeCalculation: (entry, key) => ENTRY_OVERHEAD_BYTES + key.length + entry.articleId.length,
      ttl: ttlMs,
    });
  }

  async getMany(keys: readonly AnswerCacheKey[]): Promise<(CachedSpan | null)[]> {
    return keys.map((key) => this.entries.get(entryKey(key))?.span ?? null);
  }

  async setMany(entries: readonly (readonly [AnswerCacheKey, CachedSpan])[]): Promise<void> {
    for (const [key, span] of entries) {
      const articleId = parsePassageKey(key.passageKey)?.articleId;
      if (articleId !== undefined) this.entries.set(entryKey(key), { span, articleId });
    }
  }

  /** One pass over the entries: deleting documents is rare, answering is not. */
  async forgetArticles(articleIds: readonly string[]): Promise<void> {
    const forgotten = new Set(articleIds);
    for (const [key, { articleId }] of this.entries.entries()) if (forgotten.has(articleId)) this.entries.delete(key);
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  get processEntries(): number {
    return this.entries.size;
  }

  /** The entries' estimated size, at most maxBytes. */
  get processBytes(): number {
    return this.entries.calculatedSize;
  }
}

function entryKey({ scope, passageKey, textDigest }: AnswerCacheKey): string {
  return `${scope}|${passageKey}|${textDigest}`;
}
