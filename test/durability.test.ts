/**
 * What the embedded store promises an ingest client, tried as an operator would: real servers and CLI runs in
 * their own processes, real files, read-only files and folders, a full disk, a locked database and kill -9.
 */
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../src/store/sqlite-store.js';
import { cord19Dir, graphql, repoRoot, runCli, startServer, temporaryDir, type ServerProcess } from './support/cli.js';
import { fetchStats } from './support/corpus.js';
import { canMount, fill, mountTmpfs, unmountAll } from './support/full-disk.js';
import { chownTree, makeReadOnly, UNPRIVILEGED } from './support/read-only.js';
import { Rng } from './support/seeded-rng.js';

const seedCorpus = join(repoRoot, 'seed', 'corpus');
const seedVocabulary = join(repoRoot, 'seed', 'vocabulary.tsv');
const KEY = 'durability-key';
const INGEST = 'mutation($documents: [DocumentInput!]!) { ingest(documents: $documents) { accepted { id outcome sentences } } }';

interface Doc {
  id: string;
  title: string;
  text: string;
}

const lateDoc: Doc = { id: 'late-doc', title: 'Late', text: 'Dromedary camels carry MERS-CoV. Bats carry SARS-CoV and other coronaviruses.' };

function ingest(url: string, documents: Doc[]) {
  return graphql<{ ingest: { accepted: { id: string; outcome: string; sentences: number }[] } }>(url, INGEST, { documents }, { authorization: `Bearer ${KEY}` });
}

async function seededDataDir(as: typeof UNPRIVILEGED = {}): Promise<string> {
  const dataDir = temporaryDir();
  if (as.uid !== undefined) chownTree(dataDir);
  const result = await runCli(['ingest', seedCorpus, '--vocabulary', seedVocabulary, '--data-dir', dataDir], {}, { as });
  expect(result.code, result.stderr).toBe(0);
  return dataDir;
}

async function articleSentences(url: string, id: string): Promise<number | null> {
  const response = await graphql(url, 'query($id: ID!) { article(id: $id) { sentenceCount } }', { id });
  return response.data.article?.sentenceCount ?? null;
}

/** The line a stopped server ends with, from its stderr (stdout carries the request log). */
function stoppedLine(server: ServerProcess): string {
  return server.output().split('\n').filter((line) => line.startsWith('kgqa: stopped;')).join('\n');
}

function noStackTrace(output: string): void {
  expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

const hasStrace = spawnSync('strace', ['-V']).status === 0;

describe.skipIf(!hasStrace)('an acknowledged ingest', () => {
  it('is on disk before the answer leaves: the log is fsynced after its last write and before the response', async () => {
    const dataDir = await seededDataDir();
    const trace = join(temporaryDir(), 'syscalls');
    // Every thread's writes and syncs, in the order they happened, with the file or socket each went to.
    const strace = ['strace', '-f', '-qq', '-y', '-s', '48', '-e', 'trace=pwrite64,write,writev,fsync,fdatasync', '-o', trace];
    const server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY }, { wrapper: strace });
    try {
      expect((await ingest(server.url, [lateDoc])).data!.ingest.accepted).toEqual([{ id: 'late-doc', outcome: 'CREATED', sentences: 2 }]);
    } finally {
      // strace does not pass SIGTERM on: the server is the first process it traced.
      process.kill(Number(/^\d+/.exec(readFileSync(trace, 'utf8'))![0]), 'SIGTERM');
      await server.stop();
    }
    const lines = readFileSync(trace, 'utf8').split('\n');
    const answer = lines.findIndex((line) => /^\d+\s+writev?\(\d+<(socket|TCP)/.test(line) && line.includes('\\"ingest\\"'));
    expect(answer, 'the response to the mutation').toBeGreaterThan(0);
    const log = `${join(dataDir, DATABASE_FILE)}-wal>`;
    const lastWrite = lines.findLastIndex((line, i) => i < answer && line.includes(`pwrite64(`) && line.includes(log));
    expect(lastWrite, 'a write to the log before the response').toBeGreaterThan(0);
    // A sync's line is complete when it returns: "fsync(7</…-wal>) = 0", or "<... fsync resumed>) = 0" after another thread's line.
    const synced = lines.findIndex((line, i) => i > lastWrite && i < answer && /(fsync|fdatasync)(\(\d+<[^>]+-wal>\)| resumed>\)) += 0/.test(line));
    expect(synced, 'an fsync of the log between its last write and the response').toBeGreaterThan(lastWrite);
  });
});

describe('a read-only store', () => {
  it('refuses to serve or ingest a read-only data folder, in one line naming the file and what to do', async () => {
    const dataDir = await seededDataDir();
    const file = join(dataDir, DATABASE_FILE);
    const makeWritable = makeReadOnly(dataDir);
    try {
      for (const args of [['serve', '--port', '0'], ['ingest', seedCorpus]]) {
        const result = await runCli([...args, '--data-dir', dataDir]);
        expect(result.code).toBe(2);
        expect(result.stderr.trim()).toBe(
          `kgqa: ${file} cannot be opened: its folder is read-only, and SQLite must create kgqa.sqlite-wal and kgqa.sqlite-shm beside it: make ${dataDir} writable`,
        );
      }
    } finally {
      makeWritable();
    }
    const server = await startServer(['--data-dir', dataDir]);
    expect((await fetchStats(server.url)).articles).toBe(12);
    await server.stop();
  });

  it('serves a read-only database, answers every ingest STORE_READ_ONLY (retries too), and exits 1 saying so', async () => {
    const dataDir = await seededDataDir();
    const file = join(dataDir, DATABASE_FILE);
    const makeWritable = makeReadOnly(file);
    let server: ServerProcess;
    try {
      server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY });
      expect(server.output()).toContain(`kgqa: ${file} is read-only: serving it; every write answers STORE_READ_ONLY`);
      expect((await fetchStats(server.url)).articles).toBe(12);
      // The client retries; the retry must not be told UNCHANGED for a document that is not stored.
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await ingest(server.url, [lateDoc]);
        expect(response.data).toBeNull();
        expect(response.errors).toHaveLength(1);
        expect(response.errors![0]).toMatchObject({
          message: 'the store is read-only: nothing was written; 0 of 1 documents were saved before it stopped (re-sending them all is safe)',
          extensions: { code: 'STORE_READ_ONLY', saved: 0 },
        });
      }
      expect(await server.stop()).toBe(1);
    } finally {
      makeWritable();
    }
    expect(stoppedLine(server)).toBe(
      `kgqa: stopped; every acknowledged document is saved in ${file} (12 articles); 2 documents sent to it could not be saved (the store is read-only: nothing was written)`,
    );
    noStackTrace(server.output());

    const restarted = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY });
    expect(await articleSentences(restarted.url, 'late-doc')).toBeNull();
    expect((await ingest(restarted.url, [lateDoc])).data!.ingest.accepted).toEqual([{ id: 'late-doc', outcome: 'CREATED', sentences: 2 }]);
    expect(await restarted.stop()).toBe(0);
    expect(stoppedLine(restarted)).toBe(`kgqa: stopped; every acknowledged document is saved in ${file} (13 articles)`);
  });

  it('keeps writing, durably, when the data folder is made read-only while the server runs', async () => {
    // Permission bits bind an unprivileged user, as a deployment runs; root would write through them.
    const dataDir = await seededDataDir(UNPRIVILEGED);
    const server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY }, { as: UNPRIVILEGED });
    chmodSync(dataDir, 0o555);
    try {
      // The open database and its log stay writable: an acknowledged write is on disk, and a retry is truly unchanged.
      expect((await ingest(server.url, [lateDoc])).data!.ingest.accepted).toEqual([{ id: 'late-doc', outcome: 'CREATED', sentences: 2 }]);
      expect((await ingest(server.url, [lateDoc])).data!.ingest.accepted).toEqual([{ id: 'late-doc', outcome: 'UNCHANGED', sentences: 0 }]);
      expect(await server.stop()).toBe(0);
      expect(stoppedLine(server)).toBe(`kgqa: stopped; every acknowledged document is saved in ${join(dataDir, DATABASE_FILE)} (13 articles)`);
      const restarted = await startServer(['--data-dir', dataDir], {}, { as: UNPRIVILEGED });
      expect(await articleSentences(restarted.url, 'late-doc')).toBe(2);
      await restarted.stop();
    } finally {
      chmodSync(dataDir, 0o755);
    }
  });
});

afterAll(unmountAll);

describe.skipIf(!canMount)('a full disk', () => {
  it('answers STORE_FULL leaving nothing behind, and saves the retry once there is room', async () => {
    const disk = mountTmpfs('16m')!;
    const dataDir = join(disk, 'data');
    expect((await runCli(['ingest', seedCorpus, '--vocabulary', seedVocabulary, '--data-dir', dataDir])).code).toBe(0);
    const server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY });
    const filler = join(disk, 'filler');
    fill(filler);
    const big: Doc = { id: 'big-doc', title: 'Big', text: readFileSync(join(cord19Dir, readdirSync(cord19Dir)[0]), 'utf8').replace(/[{}"\[\]]/g, ' ') };
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await ingest(server.url, [big]);
      expect(response.errors?.[0]).toMatchObject({ extensions: { code: 'STORE_FULL', saved: 0 } });
      expect(response.errors![0].message).toMatch(/^the store's disk is full: nothing was written; 0 of 1 documents were saved/);
    }
    const check = await runCli(['check', '--data-dir', dataDir]);
    expect(check.stdout).toMatch(/is intact/);
    expect(await articleSentences(server.url, 'big-doc')).toBeNull();
    expect((await fetchStats(server.url)).articles).toBe(12);

    rmSync(filler);
    const saved = await ingest(server.url, [big]);
    expect(saved.data!.ingest.accepted[0]).toMatchObject({ id: 'big-doc', outcome: 'CREATED' });
    expect(await server.stop()).toBe(1);
    expect(stoppedLine(server)).toBe(
      `kgqa: stopped; every acknowledged document is saved in ${join(dataDir, DATABASE_FILE)} (13 articles); 2 documents sent to it could not be saved (the store's disk is full: nothing was written)`,
    );
    expect((await runCli(['check', '--data-dir', dataDir])).code).toBe(0);
  });
});

describe('a database another process is writing', () => {
  it('answers STORE_UNAVAILABLE once the busy timeout passes, and saves the retry after the lock is released', async () => {
    const dataDir = await seededDataDir();
    const server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY });
    // A real second process holding SQLite's write lock, as a long foreign transaction would.
    const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const locker = spawn(
      process.execPath,
      ['-e', `const db = new (require(${JSON.stringify(betterSqlite)}))(${JSON.stringify(join(dataDir, DATABASE_FILE))}); db.exec('BEGIN IMMEDIATE'); console.log('locked'); process.stdin.once('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });`],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => locker.stdout!.once('data', () => resolve()));
    const refused = await ingest(server.url, [lateDoc]);
    expect(refused.errors?.[0]).toMatchObject({
      message: 'the store is busy (another process holds its write lock): nothing was written; retry later; 0 of 1 documents were saved before it stopped (re-sending them all is safe)',
      extensions: { code: 'STORE_UNAVAILABLE', saved: 0 },
    });
    const released = new Promise((resolve) => locker.once('exit', resolve));
    locker.stdin!.write('release\n');
    await released;
    expect((await ingest(server.url, [lateDoc])).data!.ingest.accepted).toEqual([{ id: 'late-doc', outcome: 'CREATED', sentences: 2 }]);
    expect(await server.stop()).toBe(1);
    expect(stoppedLine(server)).toMatch(/\(13 articles\); 1 document sent to it could not be saved \(the store is busy/);
  });
});

/** Documents with the seed corpus's texts under fresh ids: real sentences, concepts and edges to write. */
function* documentsFrom(prefix: string): Generator<Doc> {
  const texts = readFileSync(join(seedCorpus, 'articles.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).text as string);
  for (let n = 0; ; n++) yield { id: `${prefix}-${n}`, title: `Document ${n}`, text: `${texts[n % texts.length]} Copy ${n}.` };
}

/** The database file as it is on disk: its integrity, its totals against its rows, and how many sentences each article has. */
function inspect(dataDir: string, ids: Iterable<string>) {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    const meta = (key: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as number | undefined) ?? 0;
    const sentencesOf = db.prepare(
      'SELECT a.sentence_count AS declared, count(s.position) AS stored FROM articles a LEFT JOIN sentences s ON s.article = a.id WHERE a.article_id = ? GROUP BY a.id',
    );
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      totals: { articles: meta('articles'), sentences: meta('sentences') },
      rows: { articles: count('SELECT count(*) FROM articles'), sentences: count('SELECT count(*) FROM sentences') },
      articles: new Map([...ids].map((id) => [id, sentencesOf.get(id) as { declared: number; stored: number } | undefined])),
    };
  } finally {
    db.close();
  }
}

describe('kill -9 while writing', () => {
  it('keeps every acknowledged document whole, passes the integrity check and leaves no temporary files', async () => {
    const dataDir = temporaryDir();
    const random = new Rng(14);
    const documents = documentsFrom('k');
    const acknowledged = new Map<string, number>();
    for (let round = 0; round < 4; round++) {
      const server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY });
      let writing = true;
      const client = (async () => {
        while (writing) {
          const batch = Array.from({ length: 4 }, () => documents.next().value as Doc);
          const response = await ingest(server.url, batch).catch(() => null);
          for (const { id, sentences } of response?.data?.ingest.accepted ?? []) acknowledged.set(id, sentences);
        }
      })();
      // Killed at a random point of the write loop, once some writes have been acknowledged.
      while (acknowledged.size < 4 * (round + 1)) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 50 + random.next() * 700));
      server.child.kill('SIGKILL');
      writing = false;
      await client;
      await server.stop();

      const left = readdirSync(dataDir).filter((name) => !/^kgqa\.sqlite(-wal|-shm)?$/.test(name));
      expect(left).toEqual([]);
      const state = inspect(dataDir, acknowledged.keys());
      expect(state.integrity).toBe('ok');
      expect(state.totals).toEqual(state.rows);
      for (const [id, sentences] of acknowledged) expect(state.articles.get(id), id).toEqual({ declared: sentences, stored: sentences });
    }
    const check = await runCli(['check', '--data-dir', dataDir]);
    expect(check.code, check.stdout).toBe(0);
    const restarted = await startServer(['--data-dir', dataDir]);
    for (const [id, sentences] of acknowledged) expect(await articleSentences(restarted.url, id)).toBe(sentences);
    await restarted.stop();
  });
});

describe('SIGTERM during an ingest', () => {
  it('stops between two documents, tells the client how many were saved, and exits 1 saying what was not', async () => {
    const dataDir = await seededDataDir();
    const server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY });
    const documents = documentsFrom('t');
    const batch = Array.from({ length: 400 }, () => documents.next().value as Doc);
    const response = ingest(server.url, batch);
    while ((await fetchStats(server.url)).articles === 12) await new Promise((resolve) => setTimeout(resolve, 20));
    const exitCode = server.stop();
    const answered = await response;
    expect(answered.errors?.[0].extensions).toMatchObject({ code: 'STORE_CLOSED' });
    const saved = (answered.errors![0].extensions as { saved: number }).saved;
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(batch.length);
    expect(await exitCode).toBe(1);
    expect(stoppedLine(server)).toBe(
      `kgqa: stopped; every acknowledged document is saved in ${join(dataDir, DATABASE_FILE)} (${12 + saved} articles); ${batch.length - saved} documents sent to it could not be saved (the server is shutting down: nothing more was written)`,
    );
    noStackTrace(server.output());
    const restarted = await startServer(['--data-dir', dataDir]);
    expect((await fetchStats(restarted.url)).articles).toBe(12 + saved);
    await restarted.stop();
  });
});

describe('kgqa ingest beside a running server', () => {
  it('writes into the folder the server serves; the server serves the new documents without a restart', async () => {
    const dataDir = await seededDataDir();
    const server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY });
    const [cli, mutation] = await Promise.all([runCli(['ingest', cord19Dir, '--data-dir', dataDir]), ingest(server.url, [lateDoc])]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^ingested 22 documents \(22 new/);
    expect(mutation.data!.ingest.accepted).toEqual([{ id: 'late-doc', outcome: 'CREATED', sentences: 2 }]);
    expect((await fetchStats(server.url)).articles).toBe(12 + 22 + 1);
    const cord19Id = JSON.parse(readFileSync(join(cord19Dir, readdirSync(cord19Dir)[0]), 'utf8')).paper_id as string;
    expect(await articleSentences(server.url, cord19Id)).toBeGreaterThan(0);
    expect(await server.stop()).toBe(0);
    expect((await runCli(['check', '--data-dir', dataDir])).code).toBe(0);
  });

  it('kgqa backup copies the store a server is writing into a checked file that serves as the store', async () => {
    const dataDir = await seededDataDir();
    const server = await startServer(['--data-dir', dataDir], { KGQA_API_KEY: KEY });
    const documents = documentsFrom('b');
    const writing = ingest(server.url, Array.from({ length: 100 }, () => documents.next().value as Doc));
    const target = join(temporaryDir(), 'kgqa-backup.sqlite');
    const backup = await runCli(['backup', target, '--data-dir', dataDir]);
    expect(backup.code, backup.stderr).toBe(0);
    const articles = Number(/^kgqa: backed up (\d+) articles to .+ \([\d.]+ [kMG]?B, checked\) in [\d.]+ s$/.exec(backup.stdout.trim())?.[1]);
    expect(articles).toBeGreaterThanOrEqual(12);
    expect((await writing).data!.ingest.accepted).toHaveLength(100);
    await server.stop();

    const restored = temporaryDir();
    copyFileSync(target, join(restored, DATABASE_FILE));
    expect((await runCli(['check', '--data-dir', restored])).stdout).toMatch(/is intact/);
    const copy = await startServer(['--data-dir', restored]);
    expect((await fetchStats(copy.url)).articles).toBe(articles);
    await copy.stop();
  });
});
