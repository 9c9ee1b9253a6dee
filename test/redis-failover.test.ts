import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../src/cli/ingest-command.js';
import { sentenceKey } from '../src/domain.js';
import { ArticlePreparer } from '../src/ingest/article-preparer.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { createApp } from '../src/server/app.js';
import type { RunningServer } from '../src/server/http-server.js';
import { openStore, StoreConfigError } from '../src/store/open-store.js';
import { RedisStore } from '../src/store/redis-store.js';
import type { PreparedArticle } from '../src/store/store.js';
import { cord19Dir, meshPath } from './support/cli.js';
import { redisCli, redisInfo, startRedis, startRedisCluster, type RedisClusterHarness } from './support/redis-cluster.js';

const SEARCH = JSON.stringify({
  query: `{ search(text: "coronavirus infection of the respiratory tract", limit: 20) {
    links { source { id } target { id } rank sentences(first: 3) { key text article { id title } } } } }`,
});
/** A request that takes longer than this counts as hung. */
const REQUEST_TIMEOUT_MS = 10_000;

interface Outcome {
  startedAt: number;
  endedAt: number;
  error?: string;
}

async function search(url: string): Promise<{ body?: any; error?: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: SEARCH,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json()) as { errors?: { message: string }[] };
    return body.errors ? { error: body.errors[0].message } : { body };
  } catch (error) {
    return { error: `no response: ${(error as Error).message}` };
  }
}

/** Clients sending `search` back to back until stopped, each outcome timed. */
function searchLoad(url: string, clients: number) {
  let running = true;
  const outcomes: Outcome[] = [];
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const startedAt = Date.now();
      const { error } = await search(url);
      outcomes.push({ startedAt, endedAt: Date.now(), error });
    }
  });
  return {
    outcomes,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis Cluster failover under a search load', () => {
  let cluster: RedisClusterHarness;
  let store: RedisStore;
  let server: RunningServer;
  let articleIds: string[];

  beforeAll(async () => {
    const [started, preparer, documents] = await Promise.all([
      startRedisCluster(),
      ArticlePreparer.start({ vocabularies: [meshPath] }),
      readInputs([cord19Dir]),
    ]);
    cluster = started;
    store = await RedisStore.open(cluster.url);
    const summary = await ingestDocuments(store, documents, { preparer });
    articleIds = summary.accepted.map((a) => a.id);
    server = await createApp({ store, preparer }).listen({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await cluster?.stop();
  });

  async function snapshot() {
    const articles = await store.getArticles(articleIds);
    const keys = articles.flatMap((article) => Array.from({ length: article!.sentenceCount }, (_, i) => sentenceKey(article!.id, i)));
    return { stats: await store.stats(), articles, sentences: await store.getSentences(keys), search: (await search(server.url)).body };
  }

  /** CLUSTER FAILOVER on a replica: it and its master swap roles, clients being redirected (a planned switch-over). */
  async function coordinatedFailover(): Promise<void> {
    const roles = await Promise.all(cluster.nodes.map(async (node) => (await redisInfo(node.port, 'replication')).get('role')));
    const replicas = cluster.nodes.filter((_, i) => roles[i] === 'slave');
    const replica = replicas[Math.floor(Math.random() * replicas.length)];
    expect((await redisCli(replica.port, 'CLUSTER', 'FAILOVER')).trim()).toBe('OK');
    for (let waited = 0; (await redisInfo(replica.port, 'replication')).get('role') !== 'master'; waited += 50) {
      if (waited > 10_000) throw new Error(`replica ${replica.port} was not promoted within 10 s`);
      await sleep(50);
    }
    await cluster.waitUntilHealthy();
  }

  it('loses no request to coordinated failovers (CLUSTER FAILOVER on a replica) under a steady search load', async () => {
    const before = await snapshot();
    const load = searchLoad(server.url, 4);
    const FAILOVERS = 9;
    for (let i = 0; i < FAILOVERS; i++) {
      await sleep(300);
      await coordinatedFailover();
    }
    await sleep(300);
    const outcomes = await load.stop();
    const failures = outcomes.filter((o) => o.error);
    console.log(`coordinated failover: ${FAILOVERS} failovers, ${outcomes.length} searches, ${failures.length} failed${failures.length ? `: ${failures[0].error}` : ''}`);
    expect(failures.map((o) => o.error)).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(FAILOVERS * 4);
    expect(await snapshot()).toEqual(before);
  });

  it('answers every request again once a replica has replaced a killed master, with no data missing', async () => {
    const before = await snapshot();
    expect(before.search.data.search.links.length).toBeGreaterThan(0);
    const load = searchLoad(server.url, 4);
    await sleep(1000);

    const victim = (await cluster.masterPorts())[0];
    const killedAt = Date.now();
    await cluster.nodes.find((node) => node.port === victim)!.kill();
    await cluster.waitUntilHealthy();
    const promotedAt = Date.now();
    // Keep the load on until two seconds of requests have all succeeded.
    for (let waited = 0; waited < 30_000; waited += 250) {
      const recent = load.outcomes.filter((o) => o.startedAt > Date.now() - 2000);
      if (Date.now() - promotedAt > 2000 && recent.length > 0 && recent.every((o) => !o.error)) break;
      await sleep(250);
    }
    const outcomes = await load.stop();

    const failures = outcomes.filter((o) => o.error);
    const lastFailure = Math.max(killedAt, ...failures.map((o) => o.endedAt));
    console.log(
      `failover: ${failures.length} of ${outcomes.length} searches failed; errors from +${failures.length ? Math.min(...failures.map((o) => o.startedAt)) - killedAt : 0} ms ` +
        `to +${lastFailure - killedAt} ms after the kill (error window ${failures.length ? lastFailure - Math.min(...failures.map((o) => o.startedAt)) : 0} ms); ` +
        `cluster reported healthy at +${promotedAt - killedAt} ms; slowest request ${Math.max(...outcomes.map((o) => o.endedAt - o.startedAt))} ms`,
    );
    expect(outcomes.filter((o) => o.endedAt < killedAt).every((o) => !o.error)).toBe(true);
    // Every failure says what happened, and none waited for long.
    for (const failure of failures) expect(failure.error).toMatch(/Redis store unreachable/);
    expect(Math.max(...outcomes.map((o) => o.endedAt - o.startedAt))).toBeLessThan(5000);
    const afterRecovery = outcomes.filter((o) => o.startedAt > lastFailure);
    expect(afterRecovery.length).toBeGreaterThan(4);
    expect(afterRecovery.every((o) => !o.error)).toBe(true);

    expect(await cluster.masterPorts()).not.toContain(victim);
    expect(await snapshot()).toEqual(before);
  });
});

describe('standalone Redis: losing the connection', () => {
  const prepared: PreparedArticle = {
    article: { id: 'a1', title: 'A', year: 2020, sentenceCount: 1, contentHash: 'h1' },
    sentences: [{ key: 'a1#0', articleId: 'a1', position: 0, text: 'x y', start: 0, end: 3, conceptIds: ['x', 'y'], mentions: [
      { conceptId: 'x', start: 0, end: 1 },
      { conceptId: 'y', start: 2, end: 3 },
    ] }],
    concepts: new Map([
      ['x', { name: 'X', origin: 'corpus', surfaceForms: ['x'] }],
      ['y', { name: 'Y', origin: 'corpus', surfaceForms: ['y'] }],
    ]),
    terms: [['x', 'y']],
  };

  async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await attempt();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(100);
      }
    }
  }

  it('fails fast with a clear error while Redis is down, and reconnects by itself', async () => {
    let redis = await startRedis();
    const store = await RedisStore.open(`redis://127.0.0.1:${redis.port}`, { commandTimeoutMs: 1000 });
    try {
      await store.writeArticle(prepared);
      await redis.kill();
      const started = Date.now();
      await expect(store.getArticles(['a1'])).rejects.toThrow(/^Redis store unreachable \(redis:\/\/127\.0\.0\.1:\d+\): /);
      await expect(store.writeArticle({ ...prepared, article: { ...prepared.article, contentHash: 'h2' } })).rejects.toThrow(/Redis store unreachable/);
      expect(Date.now() - started).toBeLessThan(1000);

      redis = await redis.restart(); // empty: nothing was persisted
      expect(await eventually(() => store.stats())).toEqual({ articles: 0, sentences: 0, concepts: 0, edges: 0 });
      expect(await store.writeArticle(prepared)).toBe('created');
      expect(await store.getArticles(['a1'])).toEqual([prepared.article]);
    } finally {
      await store.close();
      await redis.stop();
    }
  });

  it('gives up on a command after its timeout when Redis stops answering, and carries on when it answers again', async () => {
    const redis = await startRedis();
    const store = await RedisStore.open(`redis://127.0.0.1:${redis.port}`, { commandTimeoutMs: 300 });
    try {
      await store.writeArticle(prepared);
      redis.pause();
      const started = Date.now();
      await expect(store.stats()).rejects.toThrow(/Redis store unreachable .*no reply within 300 ms/);
      expect(Date.now() - started).toBeLessThan(1000);
      redis.resume();
      expect(await eventually(() => store.stats())).toEqual({ articles: 1, sentences: 1, concepts: 2, edges: 1 });
    } finally {
      redis.resume();
      await store.close();
      await redis.stop();
    }
  });

  it('says so when nothing answers at the address, and refuses malformed URLs as usage errors', async () => {
    const redis = await startRedis();
    await redis.stop();
    const started = Date.now();
    await expect(openStore({ url: `redis://127.0.0.1:${redis.port}` })).rejects.toThrow(/Redis store unreachable/);
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(openStore({ url: 'redis+cluster://127.0.0.1:1/2' })).rejects.toBeInstanceOf(StoreConfigError);
    await expect(openStore({ url: 'redis://127.0.0.1:1?namespace=a{b}' })).rejects.toThrow(/namespace/);
  });
});
