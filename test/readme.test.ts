import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, temporaryDir } from './support/cli.js';
import { startRedis, startRedisCluster, type RedisClusterHarness, type RedisProcess } from './support/redis-cluster.js';

/** Every command of README's ```sh blocks, comments and blank lines left out. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)]
    .flatMap((block) => block[1].split('\n'))
    .map((line) => line.replace(/(^|\s+)#(?=[^"]*$).*$/, '').trim())
    .filter((line) => line !== '');
}

/** Commands this suite does not run, each with why; any other README command must run. */
const NOT_RUN = new Map([
  ['npm ci && npm start', 'the suite runs in an installed checkout, and npm start serves ./data until stopped (test/cli-commands.test.ts checks what serve prints at start)'],
  ['npm test', 'this is the suite'],
]);

/** A Hub id given to --model: the Hub cannot be reached from the machines this runs on. */
const HUB_MODEL = /--model\s+(?![./])[\w.-]+\/[\w.-]+/;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("README's CLI examples, as written, against the built CLI", () => {
  let redis: RedisProcess;
  let cluster: RedisClusterHarness;
  let tmp: string;

  beforeAll(async () => {
    [redis, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
    tmp = temporaryDir('kgqa-readme-');
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), cluster?.stop()]);
  });

  /**
   * The command with what must differ here, and only that: its /tmp folders under this run's own folder, the
   * Redis servers it names started by this test (so the shared Redis keeps nothing of it), any port 0.
   */
  function localized(command: string): string {
    return command
      .replaceAll('/tmp/kgqa-', `${tmp}/kgqa-`)
      .replaceAll('redis+cluster://127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103', cluster.url)
      .replaceAll('redis://127.0.0.1:6379', `redis://127.0.0.1:${redis.port}`)
      .replace(/--port \d+/g, '--port 0');
  }

  const env = () => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('KGQA_')));
    return { ...clean, KGQA_PORT: '0' };
  };

  function run(command: string): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', command], { cwd: repoRoot, env: env(), stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Starts a serve example, checks the page and GraphQL answer at the addresses it prints, then stops it. */
  function serve(command: string): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      // Its own process group, so SIGTERM reaches kgqa under sh and npx.
      const child = spawn('sh', ['-c', command], { cwd: repoRoot, env: env(), stdio: 'pipe', detached: true });
      let stderr = '';
      let checked = false;
      child.stderr.on('data', async (chunk) => {
        stderr += chunk;
        const page = /open the web page:\s+(\S+)/.exec(stderr)?.[1];
        const api = /serving GraphQL at (\S+)/.exec(stderr)?.[1];
        if (checked || !page || !api) return;
        checked = true;
        try {
          expect((await fetch(page, { headers: { accept: 'text/html' } })).status, command).toBe(200);
          const stats = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ stats { articles } }"}' });
          expect((await stats.json()).data.stats.articles, command).toBeGreaterThanOrEqual(0);
        } catch (error) {
          reject(error);
        } finally {
          process.kill(-child.pid!, 'SIGTERM');
        }
      });
      child.on('error', reject);
      // sh and npx die of the signal (no exit code); kgqa's own last line says whether it stopped cleanly.
      child.on('close', (code) => resolve({ code: /^kgqa: stopped; every acknowledged document is saved in .*$/m.test(stderr) ? 0 : code, stdout: '', stderr }));
    });
  }

  /** What `npm start` serves: present or not, it must be exactly as before. */
  function demoStore(): string {
    const dir = join(repoRoot, 'data');
    if (!existsSync(dir)) return 'absent';
    return readdirSync(dir)
      .map((name) => `${name}:${statSync(join(dir, name)).size}:${statSync(join(dir, name)).mtimeMs}`)
      .join(',');
  }

  it('runs every command of the sh blocks (or says why not) and leaves the demo store in ./data alone', async () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThan(5);
    const before = demoStore();
    const ran: string[] = [];
    for (const command of commands) {
      if (NOT_RUN.has(command) || HUB_MODEL.test(command)) continue;
      const local = localized(command);
      const outcome = /\bkgqa serve\b/.test(command) ? await serve(local) : await run(local);
      expect(outcome.code, `${command}\n${outcome.stderr}`).toBe(0);
      expect(outcome.stderr, command).not.toMatch(/\n\s+at /);
      if (/\bkgqa ask\b/.test(command)) {
        if (command.includes('--json')) expect(JSON.parse(outcome.stdout).answers.length, command).toBeGreaterThan(0);
        else expect(outcome.stdout, command).toMatch(/^1\. .+\n {3}sentence: .*«.+».*\n {3}article: {2}.+/);
      }
      if (/\bkgqa stats\b/.test(command)) expect(outcome.stdout, command).toMatch(/: [1-9]\d* articles, \d+ sentences, \d+ concepts, \d+ edges/);
      if (/\bkgqa ingest\b/.test(command)) expect(outcome.stdout, command).toMatch(/^rejected: 0 documents$/m);
      ran.push(command);
    }
    expect(ran.length).toBe(commands.filter((c) => !NOT_RUN.has(c) && !HUB_MODEL.test(c)).length);
    expect(ran.some((c) => /\bkgqa serve\b/.test(c))).toBe(true);
    expect(demoStore()).toBe(before);
  }, 900_000);
});
