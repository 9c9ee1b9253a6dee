import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { temporaryDir } from './cli.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';
/** Short, so a killed master's replica is promoted within a couple of seconds. */
const CLUSTER_NODE_TIMEOUT_MS = 1000;
const READY_TIMEOUT_MS = 20_000;

/** One redis-server process started by a test, in its own folder, never persisting anything. */
export interface RedisProcess {
  port: number;
  /** SIGKILL: the process dies as in a crash, without a goodbye to its clients. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server keeps its connections open but answers nothing until resumed. */
  pause(): void;
  resume(): void;
  /** A new server on the same port and folder, empty (nothing is persisted). */
  restart(): Promise<RedisProcess>;
}

export interface RedisClusterHarness {
  /** `redis+cluster://…` URL naming every node. */
  url: string;
  nodes: RedisProcess[];
  /** Ports of the nodes that currently serve slots. */
  masterPorts(): Promise<number[]>;
  /** Resolves once every live node reports cluster_state:ok and every slot has a reachable master. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const started = new Set<ChildProcess>();
// A test process that dies must not leave servers behind for the next run.
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args]);
  return stdout;
}

/** `INFO <section>` of one server as a field → value map. */
export async function redisInfo(port: number, section: string): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  for (const line of (await redisCli(port, 'INFO', section)).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** A standalone server on a free port, e.g. for the single-Redis store or to be killed. */
export async function startRedis(extraArgs: string[] = []): Promise<RedisProcess> {
  const [port] = await freePorts(1);
  return spawnRedis(temporaryDir('kgqa-redis-'), port, extraArgs);
}

/**
 * Servers on free loopback ports joined as 3 masters with `replicas` replicas each (one by default: six servers);
 * none halves the memory a large benchmark needs.
 */
export async function startRedisCluster({ replicas = 1 } = {}): Promise<RedisClusterHarness> {
  const dir = temporaryDir('kgqa-cluster-');
  const nodes: RedisProcess[] = [];
  const count = 3 * (1 + replicas);
  try {
    const ports = await freePorts(2 * count);
    const spawned = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        spawnRedis(dir, ports[2 * i], [
          '--cluster-enabled', 'yes',
          '--cluster-port', String(ports[2 * i + 1]),
          '--cluster-config-file', `nodes-${ports[2 * i]}.conf`,
          '--cluster-node-timeout', String(CLUSTER_NODE_TIMEOUT_MS),
          // Replicas sync at once instead of waiting 5 s for more replicas to share the transfer.
          '--repl-diskless-sync-delay', '0',
        ]),
      ),
    );
    for (const result of spawned) if (result.status === 'fulfilled') nodes.push(result.value);
    const failure = spawned.find((result) => result.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
    const addresses = nodes.map((node) => `${HOST}:${node.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicas), '--cluster-yes']);
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  const harness: RedisClusterHarness = {
    url: `redis+cluster://${nodes.map((node) => `${HOST}:${node.port}`).join(',')}`,
    nodes,
    masterPorts: () => clusterMasterPorts(nodes),
    waitUntilHealthy: (timeoutMs = READY_TIMEOUT_MS) => waitUntilHealthy(nodes, timeoutMs),
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await harness.waitUntilHealthy();
  return harness;
}

async function spawnRedis(dir: string, port: number, extraArgs: string[]): Promise<RedisProcess> {
  const nodeDir = join(dir, String(port));
  mkdirSync(nodeDir, { recursive: true });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', HOST, '--dir', nodeDir, '--save', '', '--appendonly', 'no', ...extraArgs],
    { stdio: 'ignore' },
  );
  started.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => started.delete(child));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  await waitFor(async () => (await redisCli(port, 'PING')).trim() === 'PONG', READY_TIMEOUT_MS, `redis-server on port ${port}`);
  return {
    port,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    restart: async () => {
      await end('SIGKILL');
      return spawnRedis(dir, port, extraArgs);
    },
  };
}

async function liveNodes(nodes: RedisProcess[]): Promise<RedisProcess[]> {
  const alive = await Promise.all(nodes.map((node) => redisCli(node.port, 'PING').then((reply) => reply.trim() === 'PONG', () => false)));
  return nodes.filter((_, i) => alive[i]);
}

async function clusterMasterPorts(nodes: RedisProcess[]): Promise<number[]> {
  const [node] = await liveNodes(nodes);
  const ports = new Set<number>();
  for (const line of (await redisCli(node.port, 'CLUSTER', 'NODES')).split('\n')) {
    const [, address, flags, , , , , state, ...slots] = line.split(' ');
    if (!flags?.includes('master') || flags.includes('fail') || state !== 'connected' || slots.length === 0) continue;
    ports.add(Number(address.split('@')[0].split(':')[1]));
  }
  return [...ports].sort((a, b) => a - b);
}

async function waitUntilHealthy(nodes: RedisProcess[], timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const live = await liveNodes(nodes);
      for (const node of live) {
        const info = await redisCli(node.port, 'CLUSTER', 'INFO');
        if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384')) return false;
      }
      // Every live replica must have caught up, or killing its master later could lose data.
      for (const node of live) {
        const replication = await redisInfo(node.port, 'replication');
        if (replication.get('role') === 'slave' && replication.get('master_link_status') !== 'up') return false;
      }
      return (await clusterMasterPorts(nodes)).length === 3;
    },
    timeoutMs,
    'a healthy Redis cluster',
  );
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Distinct ports the OS had free a moment ago (all held open together, so none is handed out twice). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, HOST, () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
