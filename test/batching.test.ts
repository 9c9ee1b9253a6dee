import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../src/cli/ingest-command.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { createApp } from '../src/server/app.js';
import type { RunningServer } from '../src/server/http-server.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { cord19Dir, graphql, meshPath } from './support/cli.js';
import { countingStore } from './support/counting-store.js';

const SEARCH = `query($limit: Int!) { search(text: "coronavirus infection", limit: $limit) {
  concepts { name }
  links { source { name } target { name } rank weight sentences(first: 5) { text concepts { name } article { title year } } } } }`;

describe('DataLoader batching', () => {
  let server: RunningServer;
  let counter: ReturnType<typeof countingStore>;

  beforeAll(async () => {
    const store = await SqliteStore.open();
    await ingestDocuments(store, await readInputs([cord19Dir]), { vocabularies: [meshPath] });
    counter = countingStore(store);
    server = await createApp({ store: counter.store }).listen({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function callsFor(limit: number) {
    await graphql(server.url, SEARCH, { limit }); // warms the question matcher, built once per corpus version
    counter.reset();
    const response = await graphql(server.url, SEARCH, { limit });
    expect(response.errors).toBeUndefined();
    return { links: response.data.search.links, calls: counter.total(), byMethod: Object.fromEntries(counter.calls) };
  }

  it('serves 50 links x 5 sentences x their articles in a small, fixed number of store calls', async () => {
    const large = await callsFor(50);
    expect(large.links).toHaveLength(50);
    const sentences = large.links.flatMap((link: { sentences: unknown[] }) => link.sentences);
    expect(sentences.length).toBeGreaterThan(150);
    console.log(`store calls for 50 links x ${sentences.length} sentences: ${large.calls}`, large.byMethod);
    expect(large.calls).toBeLessThanOrEqual(12);

    const small = await callsFor(2);
    expect(small.links).toHaveLength(2);
    expect(small.calls).toBe(large.calls);
  });
});
