import { LRUCache } from 'lru-cache';
import { parsePassageKey } from '../domain.js';
import type { AnswerCache, AnswerCacheKey, CachedSpan } from './answer-cache.js';

export interface MemoryAnswerCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
}

/** In-process answers, least recently used dropped first; each expires `ttlMs` after it was written. */
export class MemoryAnswerCache implements AnswerCache {
  /** By entry key, with the article the passage belongs to (what forgetArticles matches). */
  private readonly entries: LRUCache<string, { span: CachedSpan; articleId: string }>;

  constructor({ maxEntries = 100_000, ttlMs = 24 * 3600_000 }: MemoryAnswerCacheOptions = {}) {
    this.entries = new LRUCache({ max: maxEntries, ttl: ttlMs });
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
}

function entryKey({ scope, passageKey, textDigest }: AnswerCacheKey): string {
  return `${scope}|${passageKey}|${textDigest}`;
}
