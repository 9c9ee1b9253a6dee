import type { RedisTarget } from './connection.js';

export const DEFAULT_NAMESPACE = 'kgqa';

export interface RedisLocation {
  target: RedisTarget;
  /** Prefix of every key, from `?namespace=`: several corpora (or test runs) can share one Redis. */
  namespace: string;
  /** The URL without credentials, for messages. */
  display: string;
}

/**
 * `redis://[user:password@]host:port[/db][?namespace=NAME]` or
 * `redis+cluster://[user:password@]host:port,host:port,…[?namespace=NAME]` (any reachable nodes; the rest are discovered).
 */
export function parseRedisUrl(url: string): RedisLocation | null {
  const match = /^(redis|redis\+cluster):\/\/(?:([^@/?]*)@)?([^/?]+)(\/\d+)?(?:\?(.*))?$/.exec(url);
  if (!match) return null;
  const [, scheme, auth, hosts, database = '', query = ''] = match;
  const params = new URLSearchParams(query);
  const namespace = params.get('namespace') ?? DEFAULT_NAMESPACE;
  const credentials = auth ? `${auth}@` : '';
  const display = `${scheme}://${hosts}${database}${query ? `?${query}` : ''}`;
  if (scheme === 'redis') return { target: { kind: 'single', url: `redis://${credentials}${hosts}${database}` }, namespace, display };
  if (database) return null; // a cluster has only database 0
  return { target: { kind: 'cluster', nodeUrls: hosts.split(',').map((host) => `redis://${credentials}${host}`) }, namespace, display };
}
