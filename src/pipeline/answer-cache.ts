import { createHash } from 'node:crypto';

/** The reader's best span in one sentence for one question: character offsets into the sentence. */
export interface CachedSpan {
  start: number;
  end: number;
  score: number;
}

/** `scope` names the question, model and corpus version; the sentence key places the entry beside its sentence. */
export interface AnswerCacheKey {
  scope: string;
  sentenceKey: string;
}

export interface AnswerCache {
  getMany(keys: readonly AnswerCacheKey[]): Promise<(CachedSpan | null)[]>;
  setMany(entries: readonly (readonly [AnswerCacheKey, CachedSpan])[]): Promise<void>;
  clear(): Promise<void>;
}

/** Questions differing only in case, spacing, Unicode form or a trailing "?" share cached answers. */
export function normalizeQuestion(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[\s?]+$/, '');
}

export function questionDigest(normalizedQuestion: string): string {
  return createHash('sha256').update(normalizedQuestion).digest('base64url').slice(0, 22);
}

export interface MemoryAnswerCacheOptions {
  maxEntries?: number;
  ttlMs?: number;
}

/** In-process LRU with a time to live; Map keeps insertion order, so re-inserting on a hit makes it most recent. */
export class MemoryAnswerCache implements AnswerCache {
  private readonly entries = new Map<string, { span: CachedSpan; expires: number }>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor({ maxEntries = 100_000, ttlMs = 24 * 3600_000 }: MemoryAnswerCacheOptions = {}) {
    this.maxEntries = maxEntries;
    this.ttlMs = ttlMs;
  }

  async getMany(keys: readonly AnswerCacheKey[]): Promise<(CachedSpan | null)[]> {
    const now = Date.now();
    return keys.map(({ scope, sentenceKey }) => {
      const key = `${scope}|${sentenceKey}`;
      const entry = this.entries.get(key);
      if (!entry) return null;
      this.entries.delete(key);
      if (entry.expires <= now) return null;
      this.entries.set(key, entry);
      return entry.span;
    });
  }

  async setMany(entries: readonly (readonly [AnswerCacheKey, CachedSpan])[]): Promise<void> {
    const expires = Date.now() + this.ttlMs;
    for (const [{ scope, sentenceKey }, span] of entries) {
      const key = `${scope}|${sentenceKey}`;
      this.entries.delete(key);
      this.entries.set(key, { span, expires });
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
