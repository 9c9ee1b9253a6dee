/** Redis's own counters (INFO commandstats, stats, memory), to count what kgqa sends to a Redis or a Cluster. */
import { redisInfo } from '../../test/support/redis-cluster.js';

/** Sums of every numeric INFO field we need, over the given servers. */
export async function serverCounters(ports: number[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  const add = (name: string, value: number) => totals.set(name, (totals.get(name) ?? 0) + value);
  for (const port of ports) {
    // One INFO (one redis-cli connection) per server and snapshot: every section, commandstats included.
    const info = await redisInfo(port, 'everything');
    for (const [name, value] of info) if (name.startsWith('cmdstat_')) add(name.replace('cmdstat_', ''), Number(/calls=(\d+)/.exec(value)![1]));
    add('reads', Number(info.get('total_reads_processed')));
    add('used_memory', Number(info.get('used_memory')));
  }
  return totals;
}

/** Commands that are not kgqa's: the measuring INFO calls and replicas' acknowledgements. */
const NOT_KGQA = ['info', 'replconf', 'ping'];

/**
 * Socket reads each of those costs the server: an INFO comes over its own redis-cli connection, so one read for the
 * command and one more for the connection's close (Redis counts the read that finds EOF); the others, one.
 */
const READS_PER_CALL: Record<string, number> = { info: 2 };

interface CounterDelta {
  /** kgqa's commands, all names together. */
  commands: number;
  byCommand: Record<string, number>;
  /** Socket reads of kgqa's connections: one per round trip (a pipeline read at once counts once). */
  reads: number;
  memory: number;
}

/** Counter deltas of kgqa's own traffic, without the measuring INFO calls and replication traffic (see READS_PER_CALL). */
export function delta(before: Map<string, number>, after: Map<string, number>): CounterDelta {
  const changes = new Map<string, number>();
  for (const [name, value] of after) if (value !== (before.get(name) ?? 0)) changes.set(name, value - (before.get(name) ?? 0));
  const take = (name: string) => {
    const value = changes.get(name) ?? 0;
    changes.delete(name);
    return value;
  };
  let reads = take('reads');
  const memory = take('used_memory');
  for (const name of NOT_KGQA) reads -= take(name) * (READS_PER_CALL[name] ?? 1);
  return { commands: [...changes.values()].reduce((a, b) => a + b, 0), byCommand: Object.fromEntries(changes), reads, memory };
}
