import { afterAll, afterEach, beforeAll } from 'vitest';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis-store.js';
import type { GraphStore } from '../../src/store/store.js';
import { startRedis, startRedisCluster, type RedisClusterHarness, type RedisProcess } from './redis-cluster.js';

/**
 * A standalone Redis and a Redis Cluster for one test file (started before its tests, stopped after them), and
 * stores on them in key namespaces of their own, closed after each test.
 */
export function redisServersForTests(namespacePrefix: string) {
  let single: RedisProcess;
  let cluster: RedisClusterHarness;
  const opened: GraphStore[] = [];
  let namespaces = 0;
  beforeAll(async () => {
    [single, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await Promise.all([single?.stop(), cluster?.stop()]);
  });
  const servers = {
    single: () => single,
    cluster: () => cluster,
    /** Both servers, by name, with their store URL (known once the servers run). */
    targets: [
      { name: 'redis', url: () => `redis://127.0.0.1:${single.port}` },
      { name: 'redis cluster', url: () => cluster.url },
    ],
    /** A key namespace no other test of the file uses. */
    namespace: () => `${namespacePrefix}${namespaces++}`,
    /** Closed after the test. */
    track: (...stores: GraphStore[]) => opened.push(...stores),
    /** An empty store in a fresh namespace, closed after the test. */
    open: async (url: string, options: RedisStoreOptions = {}) => {
      const store = await RedisStore.open(url, { namespace: servers.namespace(), ...options });
      servers.track(store);
      return store;
    },
  };
  return servers;
}
