/**
 * Abuse of a real `kgqa serve` process: thousands of malformed, oversized and hostile requests from a seeded
 * generator, sent over raw HTTP so bodies can carry any bytes. The server must stay up, never answer 5xx, answer
 * every request with data or a JSON error carrying a message and a code, and afterwards answer `stats`, `search`
 * and `ask` exactly as before. Reproduce one request with KGQA_FUZZ_SEED and the index printed on failure.
 */
import { getIntrospectionQuery } from 'graphql';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_LIMITS } from '../src/server/limits.js';
import { graphql, repoRoot, runCli, startServer, temporaryDir, type ServerProcess } from './support/cli.js';
import { fetchStats } from './support/corpus.js';
import { generateTinyModel } from './support/model.js';
import { Rng } from './support/seeded-rng.js';

const SEED = Number(process.env.KGQA_FUZZ_SEED ?? 20_240_601);
const REQUESTS = Number(process.env.KGQA_FUZZ_REQUESTS ?? 5_200);
const IN_FLIGHT = 8;
/** Never sent by the fuzzer: every mutation it makes must be refused. */
const API_KEY = 'fuzz-secret-never-sent';

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** A mutation sent without the key: data for it means a write got through. */
  write?: boolean;
}

interface Reply {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Real ids from the seed corpus, so generated queries also reach resolvers, not only validation. */
interface Targets {
  conceptIds: string[];
  articleIds: string[];
  sentenceKeys: string[];
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const post = (body: Buffer | string, headers: Record<string, string> = {}): FuzzRequest => ({
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? Buffer.from(body) : body,
});
const postQuery = (query: string, variables?: unknown, extra: Record<string, unknown> = {}) =>
  post(json({ query, variables, ...extra }));

function validQueries(t: Targets, rng: Rng): { query: string; variables?: Record<string, unknown> }[] {
  const concept = rng.pick(t.conceptIds);
  const other = rng.pick(t.conceptIds);
  return [
    { query: '{ stats { articles sentences concepts edges } }' },
    {
      query: 'query S($t: String!, $l: Int, $y: [Int!]) { search(text: $t, limit: $l, years: $y) { concepts { id name rank origin } links { rank weight years source { id } target { id } sentences(first: 2) { key text article { id title } } } years } }',
      variables: { t: rng.pick(['SARS coronavirus', 'spike protein receptor', 'bats', 'interferon', 'vaccine antibodies']), l: rng.int(0, 20) },
    },
    { query: `{ concept(id: ${JSON.stringify(concept)}) { id name rank edges(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { rank source { id } target { id } } } } } }` },
    { query: `{ edge(source: ${JSON.stringify(concept)}, target: ${JSON.stringify(other)}) { rank weight years sentences(first: 3) { key text mentions { start end concept { id } } } } }` },
    { query: `{ article(id: ${JSON.stringify(rng.pick(t.articleIds))}) { id title year sentenceCount sentences(first: 4) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { key position text concepts { id } } } } } }` },
    { query: `{ sentence(key: ${JSON.stringify(rng.pick(t.sentenceKeys))}) { key text position article { id } } }` },
    { query: '{ model { name variant meaningful generated noAnswer description } }' },
    {
      query: 'query A($q: String!) { ask(question: $q, limit: 3) { question concepts { id } answers { text score start end cached sentence { key } } } }',
      variables: { q: rng.pick(['What does the spike protein bind?', 'How long is the SARS-CoV genome?', 'Which animals are reservoirs of MERS-CoV?']) },
    },
  ];
}

/** The field paths that take counts or cursors, as query templates around `ARG`. */
const COUNT_SITES = [
  '{ search(text: "SARS", limit: ARG) { links { rank } } }',
  '{ ask(question: "What is SARS?", limit: ARG) { answers { text } } }',
  '{ concept(id: "KGQA:0005") { edges(first: ARG) { totalCount edges { cursor } } } }',
  '{ article(id: "seed-ace2-receptor") { sentences(first: ARG) { totalCount edges { cursor } } } }',
  '{ search(text: "SARS coronavirus") { links { sentences(first: ARG) { key } } } }',
];
const CURSOR_SITES = [
  '{ concept(id: "KGQA:0005") { edges(first: 2, after: ARG) { totalCount edges { cursor } } } }',
  '{ article(id: "seed-ace2-receptor") { sentences(first: 2, after: ARG) { totalCount edges { cursor } } } }',
];

const INVALID_UTF8 = [[0x80], [0xbf], [0xc0, 0x80], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe], [0xff, 0xfe]];

function inject(rng: Rng, body: Buffer, bytes: number[]): Buffer {
  const at = rng.int(0, body.length);
  return Buffer.concat([body.subarray(0, at), Buffer.from(bytes), body.subarray(at)]);
}

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

type Generator = (rng: Rng, t: Targets) => FuzzRequest;

const GENERATORS: Record<string, { weight: number; make: Generator }> = {
  'deep nesting': {
    weight: 6,
    make(rng) {
      const depth = rng.logInt(13, 600);
      const shape = rng.int(0, 3);
      if (shape === 0) return postQuery(`{ concept(id: "KGQA:0005") { ${nested(depth, 'edges { edges { node { source { ', '} } } } ', 'id ')} } }`);
      if (shape === 1) return postQuery(`{ __type(name: "Query") { ${nested(depth, 'fields { type { ofType { ', '} } } ', 'name ')} } }`);
      if (shape === 2) {
        const fragments = Array.from({ length: depth }, (_, i) => `fragment F${i} on Concept { edges { edges { node { source { ${i + 1 < depth ? `...F${i + 1}` : 'id'} } } } } }`);
        return postQuery(`{ concept(id: "KGQA:0005") { ...F0 } } ${fragments.join(' ')}`);
      }
      return postQuery(`{ search(text: "x", years: ${nested(depth, '[', ']', '2020')}) { years } }`);
    },
  },
  aliases: {
    weight: 5,
    make(rng) {
      const count = rng.pick([31, 100, 1000, rng.logInt(31, 3000)]);
      const field = rng.pick(['stats { articles }', '__typename', 'search(text: "SARS") { links { rank } }', 'ask(question: "What is SARS?") { answers { text } }', 'model { name }']);
      return postQuery(`{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`);
    },
  },
  'huge variables': {
    weight: 2,
    make(rng) {
      const n = rng.logInt(100, 150_000);
      const item = rng.pick<() => unknown>([() => rng.int(1900, 2030), () => rng.int(-2e9, 2e9), () => 'year', () => null, () => [2020], () => ({ y: 1 }), () => 1.5]);
      const years = Array.from({ length: n }, item);
      if (rng.chance(0.2)) {
        const documents = Array.from({ length: Math.min(n, 20_000) }, (_, i) => ({ id: `d${i}`, text: 'Coronavirus spike protein.' }));
        return { ...postQuery('mutation M($d: [DocumentInput!]!) { ingest(documents: $d) { stats { articles } } }', { d: documents }), write: true };
      }
      return rng.chance(0.5)
        ? postQuery('query S($y: [Int!]) { search(text: "SARS coronavirus", years: $y) { links { rank } } }', { y: years })
        : postQuery('query S($t: String!) { search(text: $t) { links { rank } } }', { t: years });
    },
  },
  'wrong argument types': {
    weight: 8,
    make(rng) {
      const literal = rng.pick(['5', '1.5', 'true', 'null', '"text"', '[1, 2]', '{ a: 1 }', 'VOCABULARY', '$undeclared', '[[["deep"]]]', '""']);
      const site = rng.pick([
        '{ search(text: ARG) { links { rank } } }',
        '{ search(text: "x", limit: ARG) { links { rank } } }',
        '{ search(text: "x", years: ARG) { years } }',
        '{ ask(question: ARG) { answers { text } } }',
        '{ concept(id: ARG) { id } }',
        '{ edge(source: ARG, target: ARG) { rank } }',
        '{ article(id: "seed-ace2-receptor") { sentences(first: ARG) { totalCount } } }',
        '{ concept(id: "KGQA:0005") { edges(after: ARG) { totalCount } } }',
      ]);
      if (rng.chance(0.5)) return postQuery(site.replaceAll('ARG', literal));
      const declared = rng.pick(['String!', 'Int', 'Int!', '[Int!]', 'ID', 'Boolean', 'Float', 'DocumentInput', 'Nope']);
      const value = rng.pick<unknown>(['x', 7, -1, 2 ** 40, 1.25, true, null, [], [1, 'a'], { a: 1 }, '9'.repeat(400)]);
      return postQuery(`query Q($v: ${declared}) ${site.replaceAll('ARG', '$v')}`, { v: value });
    },
  },
  'unknown names': {
    weight: 5,
    make(rng) {
      return postQuery(
        rng.pick([
          '{ nope }',
          '{ stats { nope } }',
          '{ search(text: "x", nope: 1) { links { rank } } }',
          '{ concept(id: "KGQA:0005") { ... on Nope { id } } }',
          '{ ...Missing }',
          '{ stats @nope { articles } }',
          'query ($v: Nope) { stats { articles } }',
          '{ __nope }',
          '{ stats { articles { deeper } } }',
          '{ concept(id: "KGQA:0005") { edges { node { id } } } }',
          `{ ${'x'.repeat(rng.logInt(1, 5_000))} }`,
        ]),
      );
    },
  },
  'invalid UTF-8 and binary': {
    weight: 8,
    make(rng, t) {
      const base = rng.pick(validQueries(t, rng));
      let body: Buffer = json(base);
      for (let i = rng.int(1, 4); i > 0; i--) body = inject(rng, body, rng.pick(INVALID_UTF8));
      if (rng.chance(0.2)) body = rng.bytes(rng.logInt(1, 20_000));
      return post(body);
    },
  },
  'control characters': {
    weight: 6,
    make(rng, t) {
      const control = String.fromCharCode(rng.pick([0, 1, 7, 8, 11, 12, 27, 31, 127, 0x85, 0x2028, 0x202e, 0xfeff, 0xd800, 0xdfff]));
      const where = rng.int(0, 3);
      if (where === 0) return postQuery(`{ search(text: "a${control}b") { links { rank } } }`);
      if (where === 1) return postQuery('query Q($t: String!) { search(text: $t) { concepts { id } } ask(question: $t) { answers { text } } }', { t: control.repeat(rng.int(1, 50)) + 'SARS' });
      if (where === 2) return post(inject(rng, json(rng.pick(validQueries(t, rng))), [rng.pick([0, 1, 9, 10, 13, 27, 31, 127])]));
      return postQuery(`{ stats { articles } }${control}`, undefined, { operationName: `${control}op` });
    },
  },
  'truncated JSON': {
    weight: 8,
    make(rng, t) {
      const body = json(rng.pick(validQueries(t, rng)));
      const shape = rng.int(0, 3);
      if (shape === 0) return post(body.subarray(0, rng.int(0, body.length - 1)));
      if (shape === 1) return post(Buffer.concat([body, Buffer.from(rng.pick(['}', ',', ']', 'garbage', '\u0000', '{"query":"{ stats { articles } }"}']))]));
      if (shape === 2) return post(rng.pick(['null', '[]', '""', '1', 'true', '{}', '{"query": null}', '{"query": ""}', '{"query": {}}', '{"query": ["{ stats { articles } }"]}', '{"variables": {}}', ' ', '']));
      return post('{"query":"{ stats { articles } }","query":"{ nope }","variables":{"a":1e999999}}');
    },
  },
  'content types': {
    weight: 6,
    make(rng, t) {
      const body = json(rng.pick(validQueries(t, rng)));
      const headers: Record<string, string> = {
        'content-type': rng.pick([
          'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/graphql',
          'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=bogus', 'application/json;;;',
          'application/json, text/plain', '*/*', 'application/graphql-response+json', 'json', '',
        ]),
      };
      if (rng.chance(0.5)) headers['apollo-require-preflight'] = 'true';
      if (rng.chance(0.3)) {
        headers['content-type'] = 'application/json';
        headers['content-encoding'] = rng.pick(['gzip', 'deflate', 'br', 'identity', 'gzip, br', 'bogus']);
        if (rng.chance(0.5)) return post(gzipSync(body), headers);
      }
      return { method: 'POST', path: '/graphql', headers, body };
    },
  },
  'GET with odd query strings': {
    weight: 10,
    make(rng) {
      const pieces = [
        () => `query=${encodeURIComponent('{ stats { articles } }')}`,
        () => `query=${encodeURIComponent(`mutation { ingest(documents: []) { stats { articles } } }`)}`,
        () => 'query=%7B%20stats',
        () => 'query=%zz%',
        () => 'query=%00%ff%fe',
        () => 'query',
        () => 'query=',
        () => `variables=${rng.pick(['%7B', 'null', '[]', '"x"', encodeURIComponent('{"a":[[[]]]}')])}`,
        () => `extensions=${rng.pick(['%7B', '[]', encodeURIComponent('{"persistedQuery":{"version":1,"sha256Hash":"abc"}}')])}`,
        () => `operationName=${rng.pick(['', 'X', '%00'])}`,
        () => `query=${encodeURIComponent(`{ search(text: "${'x'.repeat(rng.logInt(10, 30_000))}") { links { rank } } }`)}`,
        () => `q[]=${rng.int(0, 9)}&query[]=a&query[]=b`,
        () => `${'a'.repeat(rng.logInt(1, 200))}=${'b'.repeat(rng.logInt(1, 200))}`,
        () => ';;&&==',
      ];
      const query = Array.from({ length: rng.int(1, 4) }, () => rng.pick(pieces)()).join('&');
      const headers: Record<string, string> = { accept: rng.pick(['application/json', 'application/graphql-response+json', '*/*', 'text/html', 'image/png', '']) };
      if (rng.chance(0.7)) headers['apollo-require-preflight'] = 'true';
      return { method: 'GET', path: `/graphql?${query}`, headers };
    },
  },
  'batched arrays': {
    weight: 4,
    make(rng, t) {
      const n = rng.logInt(1, 200);
      const items = Array.from({ length: n }, () => rng.pick<unknown>([rng.pick(validQueries(t, rng)), null, 1, [], 'x', { query: '{ nope }' }]));
      return post(json(rng.chance(0.1) ? [items] : items));
    },
  },
  'writes without the key': {
    weight: 5,
    make(rng) {
      const authorization = rng.pick([
        undefined,
        '',
        'Bearer',
        'Bearer ',
        `Bearer ${API_KEY.slice(0, -1)}`,
        `Bearer ${API_KEY}x`,
        `bearer  ${'k'.repeat(rng.logInt(1, 8_000))}`,
        `Basic ${Buffer.from(`user:${API_KEY}`).toString('base64')}`,
        API_KEY,
        `Bearer a, Bearer ${API_KEY}`,
      ]);
      const documents = Array.from({ length: rng.int(0, 3) }, (_, i) => ({ id: `fuzz-${rng.int(0, 1e6)}-${i}`, title: 'Fuzz', text: 'Coronavirus spike protein binds the receptor.' }));
      const query = rng.pick([
        'mutation M($d: [DocumentInput!]!) { ingest(documents: $d) { accepted { id } stats { articles } } }',
        'mutation { __typename }',
        'query Q { stats { articles } } mutation M($d: [DocumentInput!]!) { ingest(documents: $d) { accepted { id } } }',
        'mutation M($d: [DocumentInput!]!) { a: ingest(documents: $d) { accepted { id } } b: ingest(documents: $d) { accepted { id } } }',
        'mutation M($d: [DocumentInput!]!) { ...W } fragment W on Mutation { ingest(documents: $d) { accepted { id } } }',
      ]);
      const request = postQuery(query, { d: documents }, query.startsWith('query Q') ? { operationName: 'M' } : {});
      if (authorization !== undefined) request.headers.authorization = authorization;
      return { ...request, write: true };
    },
  },
  'negative and huge counts': {
    weight: 8,
    make(rng) {
      const site = rng.pick(COUNT_SITES);
      const value = rng.pick<unknown>([-2147483648, -1, 0, 1, 100, 101, 500, 501, 2147483647, 2147483648, 1e10, -1e10, 1.5, -0, '10', null, true, 1e308]);
      return rng.chance(0.5) && typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 53
        ? postQuery(site.replace('ARG', String(value)))
        : postQuery(`query Q($n: Int) ${site.replace('ARG', '$n')}`, { n: value });
    },
  },
  'bad cursors': {
    weight: 6,
    make(rng) {
      const b64 = (text: string) => Buffer.from(text).toString('base64url');
      const cursor = rng.pick([
        '', 'x', '!!!', '====', b64('offset:-1'), b64('offset:1e9'), b64('offset:999999999'), b64('offset:9999999999'), b64('offset:abc'),
        b64('offset:0'), b64('offset:3'), b64(`offset:${rng.int(0, 1e6)}`), b64('offset:1\u0000'), 'x'.repeat(10_000), '\ud800', '😀', rng.bytes(12).toString('base64'),
      ]);
      return postQuery(`query Q($c: String) ${rng.pick(CURSOR_SITES).replace('ARG', '$c')}`, { c: cursor });
    },
  },
  'long and empty texts': {
    weight: 4,
    make(rng) {
      const length = rng.pick([0, 1, 1_001, 2_001, 10_000, rng.logInt(1_000, 1_000_000)]);
      const text = rng.pick(['x', 'SARS ', '? ', ' ', '\t', '😀', 'ﷺ', 'ab\u0301']).repeat(length).slice(0, length);
      return rng.chance(0.5)
        ? postQuery('query A($q: String!) { ask(question: $q) { answers { text } } }', { q: text })
        : postQuery('query S($t: String!) { search(text: $t) { links { rank } } }', { t: text });
    },
  },
  'introspection abuse': {
    weight: 4,
    make(rng) {
      return postQuery(
        rng.pick([
          getIntrospectionQuery(),
          getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }),
          `{ ${Array.from({ length: rng.int(2, 60) }, (_, i) => `s${i}: __schema { types { name fields { name args { name type { name } } } } }`).join(' ')} }`,
          `{ __type(name: ${JSON.stringify(rng.pick(['Query', 'Nope', '', '__Schema', 'x'.repeat(5_000)]))}) { name kind fields(includeDeprecated: true) { name } } }`,
          `{ ${Array.from({ length: rng.int(1, 900) }, () => '__typename').join(' ')} }`,
          `{ stats { ${'__typename '.repeat(rng.int(1, 2_500))} } }`,
        ]),
      );
    },
  },
  'directives and operations': {
    weight: 5,
    make(rng) {
      return postQuery(
        rng.pick([
          `{ stats ${'@include(if: true) '.repeat(rng.int(2, 40))} { articles } }`,
          `query Q($b: Boolean!) { stats { ${Array.from({ length: rng.int(1, 60) }, (_, i) => `a${i}: articles @skip(if: $b)`).join(' ')} } }`,
          'query A { stats { articles } } query B { stats { edges } }',
          '{ stats { articles } } { stats { edges } }',
          'fragment F on Stats { articles }',
          '# only a comment',
          'query { }',
          'subscription { stats { articles } }',
          'query Q($v: Int = "x") { stats { articles } }',
          'query Q($v: Int, $v: Int) { stats { articles } }',
        ]),
        { b: rng.pick<unknown>([true, false, 'yes', null]) },
        { operationName: rng.pick<unknown>([undefined, 'A', 'B', 'C', '', 5, null, ['A']]) },
      );
    },
  },
  'random edits of valid queries': {
    weight: 12,
    make(rng, t) {
      const { query, variables } = rng.pick(validQueries(t, rng));
      let text = query;
      for (let i = rng.int(1, 6); i > 0; i--) {
        const at = rng.int(0, text.length);
        const op = rng.int(0, 3);
        if (op === 0) text = text.slice(0, at) + text.slice(at + rng.int(1, 8));
        else if (op === 1) text = text.slice(0, at) + rng.pick(['{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '...', '"', '"""', '#', '\\', '\n', ' ', '=', '|', '&', '0', '-1', 'null']) + text.slice(at);
        else if (op === 2) text = text.slice(0, at) + text.slice(at, at + rng.int(1, 40)).repeat(rng.int(2, 5)) + text.slice(at);
        else text = text.slice(at) + text.slice(0, at);
      }
      return postQuery(text, rng.chance(0.8) ? variables : rng.pick<unknown>(['{}', [], 5, { q: 5, t: null, l: 'x' }]));
    },
  },
  'other methods': {
    weight: 2,
    make(rng, t) {
      return {
        method: rng.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']),
        path: '/graphql',
        headers: { 'content-type': rng.pick(['application/json', 'text/plain']) },
        body: rng.chance(0.5) ? json(rng.pick(validQueries(t, rng))) : undefined,
      };
    },
  },
  'valid requests': {
    weight: 4,
    make(rng, t) {
      const { query, variables } = rng.pick(validQueries(t, rng));
      return postQuery(query, variables);
    },
  },
};

/** A few bodies past the 5 MB limit, spread through the run rather than drawn, since each costs megabytes. */
function oversized(rng: Rng): FuzzRequest {
  const size = REQUEST_LIMITS.maxBodyBytes + rng.logInt(1, 1024 * 1024);
  const shape = rng.int(0, 2);
  if (shape === 0) return postQuery(`{ search(text: "${'x'.repeat(size)}") { links { rank } } }`);
  if (shape === 1) return postQuery('query S($y: [Int!]) { search(text: "SARS", years: $y) { years } }', { y: Array.from({ length: size / 5 }, () => 2020) });
  // Small on the wire, past the limit once inflated.
  return post(gzipSync(Buffer.concat([Buffer.from('{"query":"{ stats { articles } }","pad":"'), Buffer.alloc(size, 32), Buffer.from('"}')])), { 'content-encoding': 'gzip' });
}

/** Past Node's 16 KB header limit: refused by the HTTP parser before any route, with a bare 431. */
function longUrl(rng: Rng): FuzzRequest {
  return { method: 'GET', path: `/graphql?query=${'%7B'.repeat(rng.int(6_000, 12_000))}`, headers: { 'apollo-require-preflight': 'true' } };
}

function generate(index: number, targets: Targets): { kind: string; request: FuzzRequest } {
  const rng = new Rng(SEED * 7_919 + index);
  if (index % 500 === 250) return { kind: 'oversized body', request: oversized(rng) };
  if (index % 500 === 499) return { kind: 'URL past the header limit', request: longUrl(rng) };
  const entries = Object.entries(GENERATORS);
  let roll = rng.next() * entries.reduce((sum, [, g]) => sum + g.weight, 0);
  for (const [kind, generator] of entries) {
    roll -= generator.weight;
    if (roll < 0) return { kind, request: generator.make(rng, targets) };
  }
  const [kind, generator] = entries[entries.length - 1];
  return { kind, request: generator.make(rng, targets) };
}

function send(base: URL, agent: Agent, request: FuzzRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // Node sends a DELETE or OPTIONS body without a length, which the server would read as a second, garbage request.
    const headers = request.body ? { 'content-length': String(request.body.length), ...request.headers } : request.headers;
    const outgoing = httpRequest(
      { host: base.hostname, port: base.port, method: request.method, path: request.path, headers, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    // A reply may come before the whole body is written (413); a broken pipe after it is not the server's fault.
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** Why a reply is wrong, or null when it is data or a clear error; `label` groups replies in the summary. */
function judge(request: FuzzRequest, reply: Reply): { label: string; problem: string | null } {
  const { status } = reply;
  if (status >= 500) return { label: `${status}`, problem: `server error ${status}: ${reply.body.toString().slice(0, 300)}` };
  if (request.method === 'HEAD' || (request.method === 'OPTIONS' && status < 300)) return { label: `${status} ${request.method}`, problem: null };
  if (status === 431 && reply.body.length === 0) return { label: '431 (HTTP parser)', problem: null };
  if (status === 200 && request.method === 'GET' && reply.contentType.startsWith('text/html')) return { label: '200 GraphiQL page', problem: null };
  let body: { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
  try {
    body = JSON.parse(reply.body.toString());
  } catch {
    return { label: `${status} not JSON`, problem: `${status} ${reply.contentType} is not JSON: ${reply.body.toString().slice(0, 200)}` };
  }
  if (body.errors !== undefined) {
    if (!Array.isArray(body.errors) || body.errors.length === 0) return { label: `${status} bad errors`, problem: `errors is not a non-empty list` };
    for (const error of body.errors) {
      if (typeof error.message !== 'string' || error.message === '') return { label: `${status} no message`, problem: `an error without a message: ${JSON.stringify(error)}` };
      if (typeof error.extensions?.code !== 'string') return { label: `${status} no code`, problem: `an error without extensions.code: ${JSON.stringify(error)}` };
      // The server's own faults are reported with this code; nothing the client sends should cause one.
      if (error.extensions.code === 'INTERNAL_SERVER_ERROR') return { label: `${status} INTERNAL_SERVER_ERROR`, problem: error.message };
    }
    const code = String(body.errors[0].extensions!.code);
    if (request.write && body.data) return { label: `${status} ${code}`, problem: `a write without the key returned data: ${JSON.stringify(body.data).slice(0, 200)}` };
    return { label: `${status} ${code}`, problem: null };
  }
  if (status !== 200 || typeof body.data !== 'object' || body.data === null) return { label: `${status} no data`, problem: `neither data nor errors: ${reply.body.toString().slice(0, 200)}` };
  if (request.write) return { label: '200 data', problem: `a write without the key returned data: ${reply.body.toString().slice(0, 200)}` };
  return { label: '200 data', problem: null };
}

const BASELINE_SEARCH = '{ search(text: "SARS coronavirus spike protein", limit: 10) { concepts { id name rank } links { rank weight source { id } target { id } sentences(first: 3) { key text } } years } }';
const BASELINE_ASK = '{ ask(question: "What does the SARS-CoV spike protein bind?", limit: 5) { concepts { id } answers { text score start end sentence { key } } } }';

function tally(map: Map<string, number>, key: string) {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function table(map: Map<string, number>): string {
  return [...map].sort((a, b) => b[1] - a[1]).map(([key, count]) => `  ${String(count).padStart(6)}  ${key}`).join('\n');
}

describe('GraphQL fuzzing against a real server', () => {
  let server: ServerProcess;
  let targets: Targets;
  const baseline: { stats?: unknown; search?: unknown; ask?: unknown } = {};

  beforeAll(async () => {
    const dataDir = temporaryDir();
    const ingest = await runCli(['ingest', join(repoRoot, 'seed', 'corpus'), '--vocabulary', join(repoRoot, 'seed', 'vocabulary.tsv'), '--data-dir', dataDir]);
    expect(ingest.code, ingest.stderr).toBe(0);
    // Only errors are logged, so any line at level 50 or more is the server noticing a fault of its own.
    server = await startServer(['--data-dir', dataDir, '--model', generateTinyModel()], { KGQA_API_KEY: API_KEY, KGQA_LOG_LEVEL: 'warn' });
    const found = await graphql(server.url, '{ search(text: "SARS coronavirus spike protein interferon bats vaccine", limit: 40) { links { source { id } target { id } sentences(first: 2) { key article { id } } } } }');
    const links = found.data.search.links as { source: { id: string }; target: { id: string }; sentences: { key: string; article: { id: string } }[] }[];
    targets = {
      conceptIds: [...new Set(links.flatMap((l) => [l.source.id, l.target.id]))],
      articleIds: [...new Set(links.flatMap((l) => l.sentences.map((s) => s.article.id)))],
      sentenceKeys: links.flatMap((l) => l.sentences.map((s) => s.key)),
    };
    baseline.stats = await fetchStats(server.url);
    baseline.search = await graphql(server.url, BASELINE_SEARCH);
    baseline.ask = await graphql(server.url, BASELINE_ASK);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it(`survives ${REQUESTS} hostile requests with clear errors, then answers as before`, async () => {
    const base = new URL(server.url);
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const labels = new Map<string, number>();
    const kinds = new Map<string, number>();
    const problems: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const index = next++;
        const { kind, request } = generate(index, targets);
        tally(kinds, kind);
        let verdict: { label: string; problem: string | null };
        try {
          verdict = judge(request, await send(base, agent, request));
        } catch (error) {
          verdict = { label: `no reply (${(error as NodeJS.ErrnoException).code ?? 'error'})`, problem: `no reply: ${(error as Error).message}` };
        }
        tally(labels, verdict.label);
        if (verdict.problem) problems.push(`#${index} ${kind} ${request.method} ${request.path.slice(0, 80)}: ${verdict.problem}`);
        if (server.child.exitCode !== null) throw new Error(`the server exited (${server.child.exitCode}) at request #${index} (${kind})`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    agent.destroy();

    console.log(`graphql fuzz (seed ${SEED}): ${REQUESTS} requests\nby generator:\n${table(kinds)}\nby reply (status, first error code):\n${table(labels)}`);
    expect(problems.slice(0, 20)).toEqual([]);
    expect(server.child.exitCode).toBeNull();
    expect([...labels.keys()].filter((label) => /^5/.test(label))).toEqual([]);
    const faults = server.output().split('\n').filter((line) => /"level":(5\d|60)/.test(line));
    expect(faults.slice(0, 3)).toEqual([]);

    // Still serving, with exactly the graph and answers it had before.
    const root = new URL('/', server.url);
    expect(await (await fetch(new URL('/healthz', root))).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(new URL('/readyz', root))).json()).toEqual({ status: 'ready', store: 'sqlite', model: 'loaded' });
    expect(await fetchStats(server.url)).toEqual(baseline.stats);
    expect(await graphql(server.url, BASELINE_SEARCH)).toEqual(baseline.search);
    expect(await graphql(server.url, BASELINE_ASK)).toEqual(baseline.ask);
  }, 300_000);
});
