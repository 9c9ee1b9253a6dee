/** `kgqa serve` as an operator starts it (the built CLI in dist/), for the benchmarks that load a real server. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { cord19Dir } from '../../test/support/cli.js';

/** The built CLI, as `npx kgqa` runs it. */
export const KGQA_CLI = join(packageRoot, 'dist', 'src', 'cli', 'main.js');

export interface ServeOptions {
  /** `--model`; without it the server runs without a QA model. */
  modelDir?: string;
  /** `--store`; without it, the server's default (the embedded store, in a fresh temporary `--data-dir`). */
  store?: string;
  /** Ingest the CORD-19 sample before serving (`--ingest`); true by default. */
  ingest?: boolean;
  extraArgs?: readonly string[];
  /** Options for node itself, before the CLI (e.g. `--no-optimize-for-size`). */
  nodeArgs?: readonly string[];
  /** `--data-dir`; a fresh temporary folder by default. */
  dataDir?: string;
  /** Another kgqa build's dist/src/cli/main.js (this build's by default). */
  cli?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ServeProcess {
  child: ChildProcess;
  url: URL;
}

/** Starts `kgqa serve --port 0` and resolves once it serves; request logs (stdout) go to /dev/null. */
export function startServe(options: ServeOptions): Promise<ServeProcess> {
  const { modelDir, store, ingest = true, extraArgs = [], nodeArgs = [], cli = KGQA_CLI } = options;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kgqa-serve-'));
  const args = [
    'serve',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...(store ? ['--store', store] : []),
    ...(ingest ? ['--ingest', cord19Dir] : []),
    ...(modelDir ? ['--model', modelDir] : []),
    // A benchmark's load generator is one client: the per-client limit of asks would measure itself.
    '--client-asks',
    '0',
    ...extraArgs,
  ];
  const child = spawn(process.execPath, [...nodeArgs, cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env } });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr!.on('data', (chunk) => {
      output += chunk;
      const match = /serving GraphQL at (\S+)/.exec(output);
      if (match) resolve({ child, url: new URL(match[1]) });
    });
    child.on('exit', (code) => reject(new Error(`kgqa serve exited with ${code}:\n${output}`)));
  });
}

/** SIGTERM (the server finishes in-flight requests and saves its store), then waits for it to exit. */
export async function stopServe(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
