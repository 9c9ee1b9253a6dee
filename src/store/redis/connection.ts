import { createHash } from 'node:crypto';
import { createClient, createCluster, ErrorReply, RESP_TYPES } from 'redis';
import { withDeadline } from '../../deadline.js';
import { StoreError } from '../store-error.js';

/** Raised when Redis cannot be reached or does not answer in time; the message says so plainly. */
export class RedisUnavailableError extends StoreError {
  constructor(target: string, cause: unknown) {
    super('STORE_UNAVAILABLE', `Redis store unreachable (${target}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RedisUnavailableError';
  }
}

export type RedisReply = string | number | null | RedisReply[];

export interface LuaScript {
  source: string;
  sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export interface ConnectionOptions {
  /** No command waits longer than this (ms); it fails with RedisUnavailableError instead. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export type RedisTarget = { kind: 'single'; url: string } | { kind: 'cluster'; nodeUrls: string[] };

const DEFAULT_COMMAND_TIMEOUT_MS = 3_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 1_000;
/** A cluster topology is re-read at most this often while a shard keeps failing. */
const TOPOLOGY_REFRESH_INTERVAL_MS = 300;
/**
 * What a command meets while a cluster changes its topology: a redirection, or its connection dropped (node-redis
 * "Disconnects client" when it drops a demoted master, the server's reset). Sent once more (see guard).
 */
const TOPOLOGY_CHANGE = /^(MOVED|ASK|TRYAGAIN|READONLY)\b|Disconnects client|Socket closed unexpectedly|ECONNRESET/;
/** Replies Redis gives while a shard is failing over or starting: transient, like a lost connection. */
const TRANSIENT_REPLY = /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|MOVED|ASK|READONLY)\b/;

type Cluster = ReturnType<typeof createCluster>;
type Client = ReturnType<typeof createClient>;

/**
 * One connection to a standalone Redis or a Redis Cluster, with the guarantees the store needs: commands
 * issued in the same tick reach each node in one write (node-redis pipelines automatically), no command
 * waits past its deadline, commands fail at once while a node is down (no offline queue), and clients
 * reconnect with backoff. node-redis never re-reads a cluster's topology after a master dies, so on
 * transient errors this connection re-discovers it (a fresh cluster client) until the promoted replica is found.
 */
export class RedisConnection {
  private cluster: Cluster | null = null;
  private client: Client | null = null;
  private refreshing: Promise<void> | null = null;
  private lastRefresh = 0;
  private closed = false;
  private readonly commandTimeoutMs: number;
  private readonly connectTimeoutMs: number;

  private constructor(
    readonly target: RedisTarget,
    readonly description: string,
    options: ConnectionOptions,
  ) {
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }

  static async open(target: RedisTarget, description: string, options: ConnectionOptions = {}): Promise<RedisConnection> {
    const connection = new RedisConnection(target, description, options);
    try {
      if (target.kind === 'single') connection.client = await connection.connectClient(target.url);
      else connection.cluster = await connection.connectCluster(target.nodeUrls);
    } catch (error) {
      throw new RedisUnavailableError(description, error);
    }
    return connection;
  }

  /** One command, sent to the node that serves `key`. */
  send(key: string, args: readonly (string | number)[]): Promise<RedisReply> {
    const strings = args.map(String);
    return this.guard(() =>
      this.cluster ? this.cluster.sendCommand(key, undefined, strings) : this.client!.sendCommand(strings),
    ) as Promise<RedisReply>;
  }

  /** Like `send`, with byte arguments and byte replies (DUMP and RESTORE's payload is not text). */
  sendBytes(key: string, args: readonly (string | Buffer)[]): Promise<Buffer | null> {
    const options = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };
    return this.guard(() =>
      this.cluster ? this.cluster.sendCommand(key, undefined, [...args], options) : this.client!.sendCommand(args, options),
    ) as Promise<Buffer | null>;
  }

  /** A Lua script on the node serving keys[0]; every key must share its slot (one hashtag). */
  async eval(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<RedisReply> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await this.send(keys[0], ['EVALSHA', script.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof ErrorReply && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.send(keys[0], ['EVAL', script.source, ...tail]);
    }
  }

  /** Loads scripts into every master's script cache, so a first large batch does not fall back to EVAL command by command. */
  async preload(scripts: readonly LuaScript[]): Promise<void> {
    await this.onEachMaster((send) => Promise.all(scripts.map((script) => send(['SCRIPT', 'LOAD', script.source]))));
  }

  /** Runs `command` on every master (e.g. SCAN, INFO), whose keys it may not route itself. */
  async onEachMaster<T>(command: (send: (args: string[]) => Promise<RedisReply>) => Promise<T>): Promise<T[]> {
    const clients = this.cluster ? await Promise.all(this.cluster.masters.map((m) => this.cluster!.nodeClient(m))) : [this.client!];
    return Promise.all(clients.map((client) => command((args) => this.guard(() => client.sendCommand(args)) as Promise<RedisReply>)));
  }

  /** Unlinks every key matching a SCAN pattern (and `chosen`, when given), on every master. */
  async unlinkMatching(pattern: string, chosen: (key: string) => boolean = () => true): Promise<void> {
    await this.onEachMaster(async (send) => {
      let cursor = '0';
      do {
        const [next, keys] = (await send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000'])) as [string, string[]];
        // Keys of one node may still lie in different slots, so each is unlinked on its own (pipelined).
        await Promise.all(keys.filter(chosen).map((key) => send(['UNLINK', key])));
        cursor = next;
      } while (cursor !== '0');
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.refreshing;
    await (this.cluster ?? this.client)?.close().catch(() => undefined);
  }

  /**
   * Bounds a command by the command timeout and turns connection trouble into RedisUnavailableError (one promise and
   * timer: ingest sends tens of thousands). A command caught by a topology change (a redirection, or a connection
   * node-redis drops as a master becomes a replica) is sent once more, within the same deadline, once the topology is
   * re-read: a coordinated failover then costs no request, while a dead master still fails fast. Sending twice is
   * safe: reads, and every script, which sets rather than adds (scripts.ts).
   */
  private guard<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let retried = false;
      let timedOut = false;
      const fail = (error: unknown) => {
        if (error instanceof ErrorReply && !TRANSIENT_REPLY.test(error.message)) {
          clearTimeout(timer);
          return reject(error);
        }
        this.refreshTopology();
        if (!retried && !timedOut && !this.closed && TOPOLOGY_CHANGE.test(String((error as Error)?.message))) {
          retried = true;
          void (this.refreshing ?? Promise.resolve()).then(run).then(succeed, fail);
          return;
        }
        clearTimeout(timer);
        reject(new RedisUnavailableError(this.description, error));
      };
      const succeed = (reply: T) => {
        clearTimeout(timer);
        resolve(reply);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        fail(new Error(`no reply within ${this.commandTimeoutMs} ms`));
      }, this.commandTimeoutMs);
      if (this.closed) return fail(new Error('the store is closed'));
      run().then(succeed, fail);
    });
  }

  private refreshTopology(): void {
    if (!this.cluster || this.closed || this.refreshing || Date.now() - this.lastRefresh < TOPOLOGY_REFRESH_INTERVAL_MS) return;
    const target = this.target as Extract<RedisTarget, { kind: 'cluster' }>;
    this.refreshing = this.connectCluster(target.nodeUrls)
      .then((fresh) => {
        const stale = this.cluster!;
        this.cluster = fresh;
        // Commands already sent through the stale client get their replies or their deadline first.
        setTimeout(() => stale.destroy(), this.commandTimeoutMs).unref();
        if (this.closed) fresh.destroy();
      })
      // Still failing over (the dead master is still listed): the next transient error tries again.
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = null;
        this.lastRefresh = Date.now();
      });
  }

  private socketOptions() {
    return {
      connectTimeout: this.connectTimeoutMs,
      // Exponential backoff from 50 ms, capped at 2 s, with jitter so many clients do not reconnect in step.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 50),
    };
  }

  private async connectClient(url: string): Promise<Client> {
    const client: Client = createClient({ url, disableOfflineQueue: true, socket: this.socketOptions() });
    // Errors surface on the commands; without a listener node-redis would crash the process on each one.
    client.on('error', () => undefined);
    return this.connectWithin(client);
  }

  private async connectCluster(nodeUrls: string[]): Promise<Cluster> {
    const cluster: Cluster = createCluster({
      rootNodes: nodeUrls.map((url) => ({ url })),
      defaults: { disableOfflineQueue: true, socket: this.socketOptions() },
    });
    cluster.on('error', () => undefined);
    cluster.on('node-error', () => undefined);
    return this.connectWithin(cluster);
  }

  /** node-redis retries a first connection forever; a store that cannot reach Redis must say so instead. */
  private async connectWithin<T extends Client | Cluster>(connection: T): Promise<T> {
    const connecting: Promise<unknown> = connection.connect();
    try {
      await withDeadline(connecting, this.connectTimeoutMs, 'could not connect');
      return connection;
    } catch (error) {
      connecting.catch(() => undefined);
      connection.destroy();
      throw error;
    }
  }
}
