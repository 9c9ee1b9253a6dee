/**
 * Redis store figures, against the memory store in the same run:
 * - ingest throughput of the CORD-19 sample (MeSH vocabulary) into the memory store, a standalone Redis and
 *   a 3-master/3-replica Redis Cluster (loading the vocabulary is not timed);
 * - Redis commands and round trips (socket reads) per GraphQL `search` returning 50 links x 5 sentences x
 *   their articles: INFO commandstats / total_reads_processed deltas summed over every master;
 * - Redis memory per sentence (sentences pre-tokenized for the reader, as `kgqa ingest --model` stores them):
 *   INFO used_memory delta over the ingest, summed over masters, / sentences.
 *
 *   npm run build && node dist/bench/redis.bench.js      (or: npx vite-node bench/redis.bench.ts, slower)
 *
 * It starts its own servers on free loopback ports (redis-server and redis-cli must be installed).
 */
import { join } from 'node:path';
import { readInputs } from '../src/cli/ingest-command.js';
import { ArticlePreparer } from '../src/ingest/article-preparer.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { packageRoot } from '../src/paths.js';
import { createApp } from '../src/server/app.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { RedisStore } from '../src/store/redis-store.js';
import type { GraphStore } from '../src/store/store.js';
import { graphql } from '../test/support/cli.js';
import { countingStore } from '../test/support/counting-store.js';
import { startRedis, startRedisCluster } from '../test/support/redis-cluster.js';
import { benchModelDir } from './support/models.js';
import { delta, serverCounters } from './support/redis-counters.js';

const SEARCH = `query { search(text: "coronavirus infection", limit: 50) {
  concepts { name }
  links { source { name } target { name } rank weight sentences(first: 5) { text concepts { name } article { title year } } } } }`;
const RUNS = 5;
const cord19Dir = join(packageRoot, '..', 'shared', 'corpus', 'cord19-sample');
const meshPath = join(packageRoot, '..', 'shared', 'vocab', 'mesh-2024.tsv.gz');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const documents = await readInputs([cord19Dir]);
  // Pre-tokenized, as `kgqa ingest --model` stores sentences for the reader: every generated model shares this vocabulary.
  const preparer = await ArticlePreparer.start({ vocabularies: [meshPath], modelDir: benchModelDir({}, 'tiny') });
  const [single, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  try {
    const targets: { name: string; open: () => Promise<GraphStore>; ports: () => Promise<number[]> }[] = [
      { name: 'memory', open: () => SqliteStore.open(), ports: async () => [] },
      { name: 'redis (standalone)', open: () => RedisStore.open(`redis://127.0.0.1:${single.port}`, { namespace: `bench${Date.now()}` }), ports: async () => [single.port] },
      { name: 'redis cluster (3 masters)', open: () => RedisStore.open(cluster.url, { namespace: `bench${Date.now()}` }), ports: () => cluster.masterPorts() },
    ];
    const rows: string[] = [];
    for (const target of targets) {
      const seconds: number[] = [];
      let store!: GraphStore;
      let ingest!: ReturnType<typeof delta>;
      for (let run = 0; run < RUNS; run++) {
        store = await target.open();
        const ports = await target.ports();
        const before = await serverCounters(ports);
        const summary = await ingestDocuments(store, documents, { preparer });
        seconds.push(summary.seconds);
        ingest = delta(before, await serverCounters(ports));
        if (run < RUNS - 1) await store.close();
      }
      const stats = await store.stats();
      const counter = countingStore(store);
      const server = await createApp({ store: counter.store, preparer }).listen({ port: 0 });
      const searches: { commands: number; reads: number; calls: number; byCommand: Record<string, number> }[] = [];
      let links = 0;
      let sentences = 0;
      await graphql(server.url, SEARCH); // builds the question matcher, once per corpus version
      for (let run = 0; run < RUNS; run++) {
        const ports = await target.ports();
        counter.reset();
        const before = await serverCounters(ports);
        const response = await graphql(server.url, SEARCH);
        const change = delta(before, await serverCounters(ports));
        if (response.errors) throw new Error(JSON.stringify(response.errors));
        links = response.data.search.links.length;
        sentences = response.data.search.links.reduce((n: number, link: { sentences: unknown[] }) => n + link.sentences.length, 0);
        searches.push({ ...change, calls: counter.total() });
      }
      await server.close();
      await store.close();
      const perSecond = (documents.length / median(seconds)).toFixed(1);
      const sentencesPerSecond = Math.round(stats.sentences / median(seconds));
      const search = searches[searches.length - 1];
      rows.push(
        `| ${target.name} | ${median(seconds).toFixed(2)} s | ${perSecond} docs/s, ${sentencesPerSecond} sentences/s | ` +
          (target.name === 'memory'
            ? `– | – | ${median(searches.map((s) => s.calls))} | – |`
            : `${Math.round(ingest.commands / documents.length)} | ${Math.round(ingest.memory / stats.sentences)} B | ${median(searches.map((s) => s.calls))} | ${median(searches.map((s) => s.commands))} commands, ${median(searches.map((s) => s.reads))} reads |`),
      );
      console.error(`${target.name}: ${JSON.stringify(stats)}; search ${links} links, ${sentences} sentences; search commands ${JSON.stringify(search.byCommand)}`);
    }
    console.log(`CORD-19 sample: ${documents.length} documents, MeSH vocabulary; median of ${RUNS} runs\n`);
    console.log('| store | ingest | throughput | Redis commands per document | Redis memory per sentence | store calls per search | Redis per search (all masters) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    await Promise.all([single.stop(), cluster.stop()]);
  }
}

await main();
