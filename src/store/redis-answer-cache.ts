import { DEFAULT_ANSWER_TTL_MS, type AnswerCache, type AnswerCacheKey, type CachedSpan } from './answer-cache.js';
import { luaScript, type RedisReply } from './redis/connection.js';
import { parsePassageKey } from '../domain.js';
import type { RedisStore } from './redis-store.js';

export interface RedisAnswerCacheOptions {
  /** How long an answer is kept after the last write to its question and article (24 h by default). */
  ttlMs?: number;
}

/** KEYS: one (scope, article) answer hash. ARGV: ttl ms, then (passage positions, span JSON) pairs. Sets the fields and the TTL together. */
const SET_ANSWERS = luaScript(`
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`);

/**
 * Answers shared by every kgqa process on one Redis. One hash per (scope, article) holds the spans by
 * passage positions and text digest ("first-last:digest"), under the article's hashtag, so a question's answers over
 * one article are one HMGET. A replaced article's passages have new digests; the TTL removes what is unreachable.
 */
export class RedisAnswerCache implements AnswerCache {
  private readonly ttlMs: number;
  readonly processEntries = null;

  constructor(
    private readonly store: Pick<RedisStore, 'connection' | 'keys'>,
    { ttlMs = DEFAULT_ANSWER_TTL_MS }: RedisAnswerCacheOptions = {},
  ) {
    this.ttlMs = ttlMs;
  }

  async getMany(keys: readonly AnswerCacheKey[]): Promise<(CachedSpan | null)[]> {
    const spans: (CachedSpan | null)[] = keys.map(() => null);
    await Promise.all(
      [...this.group(keys.map((key, index) => [key, index] as const))].map(async ([hash, entries]) => {
        const reply = (await this.store.connection.send(hash, ['HMGET', hash, ...entries.map(([positions]) => positions)])) as RedisReply[];
        entries.forEach(([, index], i) => (spans[index] = reply[i] === null ? null : (JSON.parse(reply[i] as string) as CachedSpan)));
      }),
    );
    return spans;
  }

  async setMany(entries: readonly (readonly [AnswerCacheKey, CachedSpan])[]): Promise<void> {
    await Promise.all(
      [...this.group(entries)].map(([hash, fields]) =>
        this.store.connection.eval(SET_ANSWERS, [hash], [this.ttlMs, ...fields.flatMap(([positions, span]) => [positions, JSON.stringify(span)])]),
      ),
    );
  }

  async clear(): Promise<void> {
    await this.store.connection.unlinkMatching(this.store.keys.answersPattern);
  }

  /** Every scope's answer hash of each article (the keys that begin with its answers key for an empty scope), in one SCAN. */
  async forgetArticles(articleIds: readonly string[]): Promise<void> {
    if (articleIds.length === 0) return;
    const prefixes = articleIds.map((id) => this.store.keys.article(id).answers(''));
    await this.store.connection.unlinkMatching(this.store.keys.answersPattern, (key) => prefixes.some((prefix) => key.startsWith(prefix)));
  }

  /** Groups (cache key, value) pairs by their answer hash, as ("first-last:textDigest", value) pairs. */
  private group<T>(entries: Iterable<readonly [AnswerCacheKey, T]>): Map<string, [string, T][]> {
    const groups = new Map<string, [string, T][]>();
    for (const [{ scope, passageKey, textDigest }, value] of entries) {
      const parsed = parsePassageKey(passageKey);
      if (!parsed) continue;
      const hash = this.store.keys.article(parsed.articleId).answers(scope);
      const group = groups.get(hash) ?? [];
      group.push([`${parsed.first}-${parsed.last}:${textDigest}`, value]);
      groups.set(hash, group);
    }
    return groups;
  }
}
