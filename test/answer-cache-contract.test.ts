/**
 * The AnswerCache contract, on every implementation: the in-process cache, Redis and a Redis Cluster; and
 * openStore's pairing of each store with its cache (shared by every process on Redis, private in memory).
 */
import { describe, expect, it } from 'vitest';
import { passageKey } from '../src/domain.js';
import type { AnswerCache, AnswerCacheKey, CachedSpan } from '../src/store/answer-cache.js';
import { MemoryAnswerCache } from '../src/store/memory-answer-cache.js';
import { openStore } from '../src/store/open-store.js';
import { RedisAnswerCache } from '../src/store/redis-answer-cache.js';
import { redisServersForTests } from './support/redis-servers.js';

const redis = redisServersForTests('answers');

interface CacheOptions {
  ttlMs?: number;
}

/** Every call opens an empty cache of its own: a fresh key namespace on the shared Redis servers. */
const backends: { name: string; open: (options?: CacheOptions) => Promise<AnswerCache> }[] = [
  { name: 'memory', open: async (options) => new MemoryAnswerCache(options) },
  ...redis.targets.map(({ name, url }) => ({
    name,
    open: async (options?: CacheOptions) => new RedisAnswerCache(await redis.open(url()), options),
  })),
];

const key = (scope: string, articleId: string, position: number, textDigest = 'text-1'): AnswerCacheKey => ({
  scope,
  passageKey: passageKey(articleId, position, position + 2),
  textDigest,
});
const span = (start: number, end: number, score: number): CachedSpan => ({ start, end, score });

describe.each(backends)('AnswerCache contract: $name', ({ open }) => {
  it('answers null for what was never written, and each span under its own scope, passage and passage text', async () => {
    const cache = await open();
    const written: [AnswerCacheKey, CachedSpan][] = [
      [key('v1:m:q1', 'doc-a', 0), span(0, 4, 0.5)],
      [key('v1:m:q1', 'doc-a', 3), span(2, 9, 0.25)],
      [key('v1:m:q1', 'doc-b', 0), span(5, 6, 0.125)],
      [key('v1:m:q2', 'doc-a', 0), span(1, 3, 0.75)],
    ];
    expect(await cache.getMany(written.map(([k]) => k))).toEqual([null, null, null, null]);
    await cache.setMany(written);
    const asked = [
      key('v1:m:q2', 'doc-a', 0),
      key('v1:m:q1', 'doc-a', 1),
      key('v1:m:q1', 'doc-b', 0),
      key('v2:m:q1', 'doc-a', 0),
      key('v1:m:q1', 'doc-a', 0),
      key('v1:m:q1', 'doc-a', 3),
      key('v1:m:q1', 'doc-a', 3, 'text-2'),
    ];
    expect(await cache.getMany(asked)).toEqual([span(1, 3, 0.75), null, span(5, 6, 0.125), null, span(0, 4, 0.5), span(2, 9, 0.25), null]);
    expect(await cache.getMany([])).toEqual([]);
  });

  it("forgets every answer of the given articles' passages, under every scope, and nothing else", async () => {
    const cache = await open();
    const odd = 'doc*[a]?\\';
    const written: [AnswerCacheKey, CachedSpan][] = [
      [key('v1:m:q1', 'doc-a', 0), span(0, 4, 0.5)],
      [key('v1:m:q2', 'doc-a', 3), span(2, 9, 0.25)],
      [key('v1:m:q1', 'doc-b', 0), span(5, 6, 0.125)],
      [key('v1:m:q1', odd, 0), span(1, 2, 0.5)],
      [key('v1:m:q1', 'doc-aa', 0), span(1, 3, 0.75)],
      [key('v1:m:q1', 'doc-c', 0), span(1, 3, 0.75)],
    ];
    await cache.setMany(written);
    await cache.forgetArticles(['doc-a', odd, 'nope']);
    expect(await cache.getMany(written.map(([k]) => k))).toEqual([null, null, span(5, 6, 0.125), null, span(1, 3, 0.75), span(1, 3, 0.75)]);
    await cache.forgetArticles(['doc*']);
    expect(await cache.getMany(written.map(([k]) => k))).toEqual([null, null, span(5, 6, 0.125), null, span(1, 3, 0.75), span(1, 3, 0.75)]);
  });

  it('keeps the last span written for a key', async () => {
    const cache = await open();
    await cache.setMany([[key('s', 'doc', 1), span(0, 1, 0.1)]]);
    await cache.setMany([[key('s', 'doc', 1), span(3, 8, 0.9)], [key('s', 'doc', 2), span(0, 2, 0.2)]]);
    expect(await cache.getMany([key('s', 'doc', 1), key('s', 'doc', 2)])).toEqual([span(3, 8, 0.9), span(0, 2, 0.2)]);
  });

  it('forgets every answer on clear, and only its own', async () => {
    const [cache, other] = await Promise.all([open(), open()]);
    const keys = [key('s', 'doc-a', 0), key('t', 'doc-b', 4)];
    await Promise.all([cache, other].map((c) => c.setMany(keys.map((k) => [k, span(0, 1, 0.5)]))));
    await cache.clear();
    expect(await cache.getMany(keys)).toEqual([null, null]);
    expect(await other.getMany(keys)).toEqual([span(0, 1, 0.5), span(0, 1, 0.5)]);
  });

  it('lets an answer expire once its time to live has passed', async () => {
    const cache = await open({ ttlMs: 100 });
    await cache.setMany([[key('s', 'doc', 0), span(0, 1, 0.5)]]);
    expect(await cache.getMany([key('s', 'doc', 0)])).toEqual([span(0, 1, 0.5)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await cache.getMany([key('s', 'doc', 0)])).toEqual([null]);
  });
});

describe('MemoryAnswerCache', () => {
  it('drops the least recently used answer beyond its size, and counts what it holds', async () => {
    const cache = new MemoryAnswerCache({ maxEntries: 2 });
    await cache.setMany([[key('s', 'doc', 0), span(0, 1, 0.1)], [key('s', 'doc', 1), span(0, 1, 0.2)]]);
    // Reading entry 0 makes entry 1 the least recently used.
    await cache.getMany([key('s', 'doc', 0)]);
    await cache.setMany([[key('s', 'doc', 2), span(0, 1, 0.3)]]);
    expect(await cache.getMany([0, 1, 2].map((p) => key('s', 'doc', p)))).toEqual([span(0, 1, 0.1), null, span(0, 1, 0.3)]);
    expect(cache.processEntries).toBe(2);
  });
});

/** A flood of distinct questions: 1,000 questions × 20 passages, written as an ask writes them (one setMany each). */
async function flood(cache: AnswerCache): Promise<void> {
  for (let question = 0; question < 1_000; question++) {
    await cache.setMany(Array.from({ length: 20 }, (_, p) => [key(`m:question-${question}`, `doc-${p % 7}`, p), span(p, p + 3, 0.5)] as const));
  }
}

describe('a flood of distinct questions stays under the bound', () => {
  it('memory: at most the configured entries, and at most the configured bytes', async () => {
    const byEntries = new MemoryAnswerCache({ maxEntries: 500 });
    await flood(byEntries);
    expect(byEntries.processEntries).toBe(500);
    const byBytes = new MemoryAnswerCache({ maxBytes: 64 * 1024 });
    await flood(byBytes);
    expect(byBytes.processBytes).toBeLessThanOrEqual(64 * 1024);
    expect(byBytes.processEntries).toBeGreaterThan(100);
    expect(byBytes.processEntries).toBeLessThan(64 * 1024 / 120);
    // The newest answers are the ones kept.
    expect(await byBytes.getMany([key('m:question-999', 'doc-5', 19), key('m:question-0', 'doc-0', 0)])).toEqual([span(19, 22, 0.5), null]);
  });

  it.each(redis.targets)('$name: every answer key expires within the configured TTL', async ({ url }) => {
    const store = await redis.open(url());
    const ttlMs = 90_000;
    await flood(new RedisAnswerCache(store, { ttlMs }));
    const ttls: number[] = [];
    await store.connection.onEachMaster(async (send) => {
      let cursor = '0';
      do {
        const [next, keys] = (await send(['SCAN', cursor, 'MATCH', store.keys.answersPattern, 'COUNT', '1000'])) as [string, string[]];
        ttls.push(...((await Promise.all(keys.map((k) => send(['PTTL', k])))) as number[]));
        cursor = next;
      } while (cursor !== '0');
    });
    expect(ttls).toHaveLength(7_000);
    expect(ttls.every((ttl) => ttl > 0 && ttl <= ttlMs)).toBe(true);
  });
});

describe('openStore pairs each store with its answer cache', () => {
  it.each(redis.targets)('every process opening one $name shares its answers, none held in the process', async ({ url }) => {
    const location = `${url()}?namespace=${redis.namespace()}`;
    const [a, b] = await Promise.all([openStore({ url: location }), openStore({ url: location })]);
    redis.track(a.store, b.store);
    await a.answerCache.setMany([[key('s', 'doc', 0), span(2, 5, 0.5)]]);
    expect(await b.answerCache.getMany([key('s', 'doc', 0)])).toEqual([span(2, 5, 0.5)]);
    expect(b.answerCache.processEntries).toBeNull();
  });

  it('each embedded store keeps its answers in its own process memory', async () => {
    const [a, b] = await Promise.all([openStore({ url: 'memory' }), openStore({ url: 'memory' })]);
    await a.answerCache.setMany([[key('s', 'doc', 0), span(2, 5, 0.5)]]);
    expect(await a.answerCache.getMany([key('s', 'doc', 0)])).toEqual([span(2, 5, 0.5)]);
    expect(await b.answerCache.getMany([key('s', 'doc', 0)])).toEqual([null]);
    expect(a.answerCache.processEntries).toBe(1);
  });
});
