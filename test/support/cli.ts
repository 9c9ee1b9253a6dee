import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/** The package root, whether this runs from test/ (vitest) or dist/test/ (a compiled benchmark). */
export const repoRoot = packageRoot;
export const cliPath = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
export const sharedDir = join(repoRoot, '..', 'shared');
export const cord19Dir = join(sharedDir, 'corpus', 'cord19-sample');
export const meshPath = join(sharedDir, 'vocab', 'mesh-2024.tsv.gz');

export function temporaryDir(prefix = 'kgqa-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  /** Another user to run as (test/support/read-only.ts: UNPRIVILEGED). */
  as?: Pick<SpawnOptions, 'uid' | 'gid'>;
  /** A command the process runs under, e.g. ['strace', …]. */
  wrapper?: string[];
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv, { as = {}, wrapper = [] }: ProcessOptions): ChildProcess {
  const command = [...wrapper, process.execPath, cliPath, ...args];
  return spawn(command[0], command.slice(1), { env: { ...process.env, ...env }, stdio: 'pipe', ...as });
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: ProcessOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env, options);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Starts `kgqa serve --port 0` and waits for the line announcing its URL. */
export function startServer(args: string[], env: NodeJS.ProcessEnv = {}, options: ProcessOptions = {}): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['serve', '--port', '0', ...args], env, options);
    let output = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /serving GraphQL at (\S+)/.exec(output);
      if (match) {
        resolve({
          url: match[1],
          child,
          output: () => output,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', reject);
    exited.then((code) => reject(new Error(`kgqa serve exited with ${code} before serving:\n${output}`)));
  });
}

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function graphql<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}
