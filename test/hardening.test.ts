import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../src/cli/ingest-command.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { createApp } from '../src/server/app.js';
import type { RunningServer } from '../src/server/http-server.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import type { QaReader } from '../src/pipeline/reader.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { GraphStore } from '../src/store/store.js';
import { graphql, repoRoot, runCli, startServer, temporaryDir } from './support/cli.js';
import { generateTinyModel } from './support/model.js';

const seedDir = join(repoRoot, 'seed');
const INGEST = 'mutation { ingest(documents: [{ id: "auth-doc", text: "Coronavirus spike protein." }]) { accepted { id } } }';

async function seedStore(): Promise<SqliteStore> {
  const store = await SqliteStore.open();
  await ingestDocuments(store, await readInputs([join(seedDir, 'corpus')]), { vocabularies: [join(seedDir, 'vocabulary.tsv')] });
  return store;
}

describe('write authorization', () => {
  it('refuses every mutation when no API key is configured', async () => {
    const server = await createApp({ store: await seedStore() }).listen({ port: 0 });
    try {
      const response = await graphql(server.url, INGEST, undefined, { authorization: 'Bearer anything' });
      expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(response.errors?.[0].message).toMatch(/KGQA_API_KEY/);
      expect((await graphql(server.url, '{ stats { articles } }')).data.stats.articles).toBe(12);
    } finally {
      await server.close();
    }
  });

  it('needs the right bearer key when one is configured', async () => {
    const server = await createApp({ store: await seedStore() }).listen({ port: 0, apiKey: 's3cret' });
    try {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 's3cret' }]) {
        const response = await graphql(server.url, INGEST, undefined, headers);
        expect(response.errors?.[0].extensions?.code, JSON.stringify(headers)).toBe('UNAUTHENTICATED');
      }
      const ok = await graphql(server.url, INGEST, undefined, { authorization: 'Bearer s3cret' });
      expect(ok.errors).toBeUndefined();
      expect(ok.data.ingest.accepted).toEqual([{ id: 'auth-doc' }]);
    } finally {
      await server.close();
    }
  });
});

/** A GraphQL POST from another loopback address, so the server sees another client. */
function postFrom(localAddress: string, url: string, query: string, headers: Record<string, string>) {
  return postFromWith(localAddress, url, JSON.stringify({ query }), headers);
}

function postFromWith(localAddress: string, url: string, body: string, headers: Record<string, string>): Promise<{ status: number; retryAfter?: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A POST whose headers announce `length` bytes of body, none of which is ever sent; the connection ends with the answer. */
function headersOnly(url: string, length: number): Promise<{ status: number; connection?: string; retryAfter?: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': length } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode!, connection: res.headers.connection, retryAfter: res.headers['retry-after'], body: JSON.parse(text) });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

/** The store, except that `stats` fails as a file read does: a real ENOENT naming a path in `dir`. */
function failingStats(store: GraphStore, dir: string): GraphStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'stats') return async () => JSON.parse(await readFile(join(dir, 'stats.json'), 'utf8'));
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('server paths', () => {
  it('never shows a client where the server keeps its files, unless --development', async () => {
    const dir = temporaryDir();
    const store = failingStats(await seedStore(), dir);
    for (const development of [false, true]) {
      const server = await createApp({ store }).listen({ port: 0, development });
      try {
        const query = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ stats { articles } }"}' });
        const ready = await fetch(new URL('/readyz', server.url));
        expect(ready.status).toBe(503);
        const seen = (await query.text()) + (await ready.text());
        expect(seen).toMatch(/ENOENT/);
        if (development) expect(seen).toContain(dir);
        else {
          expect(seen).not.toContain(dir);
          expect(seen).not.toMatch(/\/tmp\/|\/work\/|node_modules|stacktrace/);
          expect(seen).toContain('<server path>');
        }
      } finally {
        await server.close();
      }
    }
  });
});

/** The store, except that reading sentence tokens (the step before the model) waits until `release` is called. */
function stalledTokens(store: GraphStore): { store: GraphStore; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const stalled = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'getSentenceTokens') return async (...args: unknown[]) => (await released, value.apply(target, args));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: stalled, release };
}

const ASK = 'query($q: String!) { ask(question: $q) { answers { text cached } } }';
const question = (i: number) => `Which receptor does the SARS coronavirus spike protein bind, case ${i}?`;

async function askFrom(localAddress: string, url: string, q: string) {
  return postFromWith(localAddress, url, JSON.stringify({ query: ASK, variables: { q } }), {});
}

describe('overload', () => {
  let reader: QaReader;
  beforeAll(async () => {
    reader = await loadQaReader(generateTinyModel(), { intraOpThreads: 1 });
  });
  afterAll(async () => {
    await reader?.close();
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After once the queue for the model is full, and serves the queued asks', async () => {
    const { store, release } = stalledTokens(await seedStore());
    const app = createApp({ store, reader, admission: { concurrency: 1, queueSize: 2, maxWaitMs: 60_000 } });
    const server = await app.listen({ port: 0 });
    try {
      const held = [1, 2, 3].map((i) => askFrom('127.0.0.1', server.url, question(i)));
      while (app.services.qa!.admission!.queued < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      const refused = await askFrom('127.0.0.1', server.url, question(4));
      expect(refused.status).toBe(503);
      expect(refused.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect((await fetch(new URL('/healthz', server.url))).status).toBe(200);
      release();
      for (const answer of await Promise.all(held)) {
        expect(answer.status).toBe(200);
        expect(answer.body.errors).toBeUndefined();
      }
    } finally {
      await server.close();
    }
  });

  it('sheds requests before reading them while the queue for the model is full, but never health, readiness or metrics', async () => {
    const { store, release } = stalledTokens(await seedStore());
    const app = createApp({ store, reader, metrics: true, admission: { concurrency: 1, queueSize: 2, maxWaitMs: 60_000 } });
    const server = await app.listen({ port: 0 });
    try {
      const held = [1, 2, 3].map((i) => askFrom('127.0.0.1', server.url, question(i)));
      while (!app.services.qa!.admission!.full) await new Promise((resolve) => setTimeout(resolve, 10));
      // Headers announce a body that never comes: only a refusal made before reading it can answer.
      const unread = await headersOnly(server.url, 10_000);
      expect(unread.status).toBe(503);
      expect(unread.connection).toBe('close');
      expect(unread.retryAfter).toBe('1');
      expect(unread.body.errors[0]).toMatchObject({ message: expect.stringMatching(/queue for the model is full/), extensions: { code: 'SERVICE_UNAVAILABLE' } });
      const cheap = await postFrom('127.0.0.1', server.url, '{ __typename }', {});
      expect(cheap.status).toBe(503);
      const base = new URL('/', server.url);
      for (const path of ['/healthz', '/readyz']) expect((await fetch(new URL(path, base))).status, path).toBe(200);
      expect(await (await fetch(new URL('/metrics', base))).text()).toMatch(/^kgqa_requests_shed_total 2$/m);
      release();
      for (const answer of await Promise.all(held)) expect(answer.status).toBe(200);
      expect((await postFrom('127.0.0.1', server.url, '{ __typename }', {})).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('sheds requests beyond the bound on requests in flight', async () => {
    const { store, release } = stalledTokens(await seedStore());
    const app = createApp({ store, reader, admission: { concurrency: 1, queueSize: 10, maxWaitMs: 60_000 } });
    const server = await app.listen({ port: 0, maxInFlight: 2 });
    try {
      const held = [1, 2].map((i) => askFrom('127.0.0.1', server.url, question(i)));
      while (app.services.qa!.admission!.queued < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      const refused = await postFrom('127.0.0.1', server.url, '{ __typename }', {});
      expect(refused.status).toBe(503);
      expect(refused.body.errors[0].message).toMatch(/2 requests are in flight/);
      release();
      for (const answer of await Promise.all(held)) expect(answer.status).toBe(200);
      expect((await postFrom('127.0.0.1', server.url, '{ __typename }', {})).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers 503 when an ask waits longer than the queue allows', async () => {
    const { store, release } = stalledTokens(await seedStore());
    const server = await createApp({ store, reader, admission: { concurrency: 1, queueSize: 10, maxWaitMs: 200 } }).listen({ port: 0 });
    try {
      const first = askFrom('127.0.0.1', server.url, question(1));
      const expired = await askFrom('127.0.0.1', server.url, question(2));
      expect(expired.status).toBe(503);
      expect(expired.body.errors[0].message).toMatch(/within 200 ms/);
      expect(expired.retryAfter).toBeDefined();
      release();
      expect((await first).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('limits asks the model must read per client with 429, never cached ones, and not other clients', async () => {
    const server = await createApp({ store: await seedStore(), reader, clientAsks: { limit: 3, windowMs: 60_000 } }).listen({ port: 0 });
    try {
      for (const i of [1, 2, 3]) expect((await askFrom('127.0.0.1', server.url, question(i))).status).toBe(200);
      const limited = await askFrom('127.0.0.1', server.url, question(4));
      expect(limited.status).toBe(429);
      expect(limited.body.errors[0].extensions.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
      const cached = await askFrom('127.0.0.1', server.url, question(2));
      expect(cached.status).toBe(200);
      expect(cached.body.data.ask.answers.every((a: { cached: boolean }) => a.cached)).toBe(true);
      expect((await askFrom('127.0.0.2', server.url, question(4))).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('answers /healthz, /readyz and /metrics during a flood of 300 distinct asks', async () => {
    const app = createApp({ store: await seedStore(), reader, metrics: true });
    const server = await app.listen({ port: 0 });
    const base = new URL('/', server.url);
    try {
      const flood = Array.from({ length: 300 }, (_, i) => askFrom('127.0.0.1', server.url, question(i)));
      while (app.services.qa!.admission!.queued === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      for (const path of ['/healthz', '/readyz']) expect((await fetch(new URL(path, base))).status, path).toBe(200);
      const metrics = await (await fetch(new URL('/metrics', base))).text();
      expect(metrics).toMatch(/kgqa_ask_queue_waiting [1-9]/);
      expect(metrics).toMatch(/nodejs_eventloop_lag_p99_seconds \d/);
      const statuses = (await Promise.all(flood)).map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
      expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('failed authentications', () => {
  it('throttles an address after repeated wrong keys, while the right key from another address still works', async () => {
    const server = await createApp({ store: await seedStore() }).listen({ port: 0, apiKey: 's3cret', authFailures: { limit: 10, windowMs: 60_000 } });
    try {
      const statuses = new Map<number, number>();
      let retryAfter: string | undefined;
      for (let sent = 0; sent < 1_000; sent += 100) {
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, i) => postFrom('127.0.0.1', server.url, INGEST, { authorization: `Bearer guess-${sent + i}` })),
        );
        for (const answer of answers) {
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 429) {
            expect(answer.body.errors[0].extensions.code).toBe('TOO_MANY_REQUESTS');
            retryAfter = answer.retryAfter;
          } else expect(answer.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
        }
      }
      expect(statuses.get(401)).toBe(10);
      expect(statuses.get(429)).toBe(990);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);

      const throttled = await postFrom('127.0.0.1', server.url, INGEST, { authorization: 'Bearer s3cret' });
      expect(throttled.status).toBe(429);
      const other = await postFrom('127.0.0.2', server.url, INGEST, { authorization: 'Bearer s3cret' });
      expect(other.status).toBe(200);
      expect(other.body.data.ingest.accepted).toEqual([{ id: 'auth-doc' }]);
    } finally {
      await server.close();
    }
  });
});

describe('secrets', () => {
  it('keeps every credential out of the JSON log lines of a real server', async () => {
    const key = 'log-secret-K3y';
    const server = await startServer(['--data-dir', temporaryDir()], { KGQA_API_KEY: key });
    const base = new URL('/', server.url);
    try {
      const ok = await graphql(server.url, INGEST, undefined, { authorization: `Bearer ${key}`, cookie: `session=${key}` });
      expect(ok.errors).toBeUndefined();
      await graphql(server.url, '{ __typename }', undefined, { 'x-api-key': key, 'x-auth-token': key, 'proxy-authorization': `Basic ${key}` });
      const viaQuery = await fetch(new URL(`/graphql?query=${encodeURIComponent('{ __typename }')}&api_key=${key}&access_token=${key}`, base), {
        headers: { 'apollo-require-preflight': 'true' },
      });
      expect(viaQuery.status).toBe(200);
      expect((await fetch(new URL(`/no/such/path?token=${key}`, base))).status).toBe(404);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const requests = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.req);
    expect(requests).toHaveLength(4);
    expect(server.output()).not.toContain(key);
    expect(requests[0].req.headers.authorization).toBe('[Redacted]');
    expect(requests[2].req.url).toMatch(/api_key=\[Redacted\]/);
  });

  it('refuses at start-up an API key that no client can send, in one line that does not show it', async () => {
    for (const key of ['caf\u00e9-key', 'two words', 'tab\tkey', 'bell\u0007key', 'trailing-space ']) {
      const { code, stderr } = await runCli(['serve', '--port', '0', '--data-dir', temporaryDir()], { KGQA_API_KEY: key });
      expect(code, JSON.stringify(key)).toBe(2);
      expect(stderr).toMatch(/^kgqa: KGQA_API_KEY cannot be used: character \d+ is (whitespace|a control character|a non-ASCII character) \(U\+[0-9A-F]{4}\)[^\n]*\n$/);
      expect(stderr).not.toContain(key.trim());
    }
  });
});

describe('limits, operations endpoints and request ids', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await createApp({ store: await seedStore(), metrics: true }).listen({ port: 0, corsOrigins: ['http://example.test'] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('rejects deep, aliased and oversized queries with a clear error', async () => {
    const deep = `{ concept(id: "KGQA:0001") { ${'edges { edges { node { source { '.repeat(4)} id ${'} } } }'.repeat(4)} } }`;
    const aliases = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: stats { articles }`).join(" ")} }`;
    const tokens = `{ stats { ${'articles '.repeat(3000)} } }`;
    for (const [query, pattern] of [
      [deep, /depth/i],
      [aliases, /alias/i],
      [tokens, /token/i],
    ] as const) {
      const response = await graphql(server.url, query);
      expect(response.data).toBeUndefined();
      expect(response.errors?.[0].message).toMatch(pattern);
      expect(response.errors?.[0].extensions?.code).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT|GRAPHQL_PARSE_FAILED/);
    }
  });

  it('answers malformed and oversized bodies with a JSON error, not a 5xx', async () => {
    const bad = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
    const huge = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ search(text: "${'x'.repeat(6 * 1024 * 1024)}") { concepts { id } } }` }),
    });
    expect(huge.status).toBe(413);
    expect((await huge.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    const base = new URL('/', server.url);
    expect(await (await fetch(new URL('/healthz', base))).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(new URL('/readyz', base))).json()).toEqual({ status: 'ready', store: 'sqlite', model: 'none' });
    await graphql(server.url, '{ search(text: "SARS coronavirus") { links { rank } } }');
    const text = await (await fetch(new URL('/metrics', base))).text();
    expect(text).toMatch(/kgqa_graphql_request_duration_seconds_count\{operation="search",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/kgqa_store_calls_total\{method="conceptEdges"\} [1-9]/);
    expect(text).toMatch(/kgqa_answer_cache_hit_ratio 0/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const response = await fetch(new URL('/no/such/path', server.url));
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(body.errors[0].message).toBe('nothing at GET /no/such/path; GraphQL is at /graphql');
  });

  it('returns a request id, echoing a sane one from the client', async () => {
    const fresh = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-42' },
      body: '{"query":"{ __typename }"}',
    });
    expect(echoed.headers.get('x-request-id')).toBe('client-42');
  });

  it('allows the configured CORS origin', async () => {
    const response = await fetch(server.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://example.test');
  });
});
