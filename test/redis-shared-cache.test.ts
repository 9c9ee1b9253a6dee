import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { graphql, repoRoot, runCli, startServer, type ServerProcess } from './support/cli.js';
import { generateTinyModel } from './support/model.js';
import { startRedisCluster, type RedisClusterHarness } from './support/redis-cluster.js';

const ASK = `query($q: String!) { ask(question: $q, limit: 5) { answers { text score cached sentence { key } } } }`;

describe('two kgqa servers on one Redis Cluster share their answer cache', () => {
  let cluster: RedisClusterHarness;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    let model: string;
    [cluster, model] = await Promise.all([startRedisCluster(), Promise.resolve().then(generateTinyModel)]);
    const store = ['--store', cluster.url, '--model', model, '--vocabulary', join(repoRoot, 'seed', 'vocabulary.tsv')];
    const ingest = await runCli(['ingest', join(repoRoot, 'seed', 'corpus'), ...store]);
    expect(ingest.code, ingest.stderr).toBe(0);
    servers = await Promise.all([startServer(store), startServer(store)]);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await cluster?.stop();
  });

  it('answers a question through one server, then from the cache through the other', async () => {
    const question = 'Which residues form the catalytic dyad of the main protease?';
    const first = await graphql(servers[0].url, ASK, { q: question });
    expect(first.errors).toBeUndefined();
    const answers = first.data.ask.answers as { text: string; score: number; cached: boolean; sentence: { key: string } }[];
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((a) => !a.cached)).toBe(true);

    const second = await graphql(servers[1].url, ASK, { q: question });
    expect(second.errors).toBeUndefined();
    expect(second.data.ask.answers).toEqual(answers.map((a) => ({ ...a, cached: true })));
  });
});
