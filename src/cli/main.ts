#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_MODEL_ID, resolveDefaultModel } from '../hub/default-model.js';
import { terminalProgress } from '../hub/download-progress.js';
import { hubSettingsFromEnv } from '../hub/hub-settings.js';
import { resolveModel, type ResolvedModel } from '../hub/resolve-model.js';
import { ArticlePreparer } from '../ingest/article-preparer.js';
import { IngestAborted, ingestDocuments } from '../ingest/ingest.js';
import { formatBytes } from '../format-bytes.js';
import { DEFAULT_ADMISSION } from '../pipeline/admission.js';
import { loadQaReader } from '../pipeline/load-reader.js';
import type { QaReader } from '../pipeline/reader.js';
import { NO_ANSWER_MODES, saysNoAnswer, type NoAnswerMode } from '../pipeline/no-answer.js';
import { packageRoot } from '../paths.js';
import { DEVICES, type Device } from '../pipeline/runtime/inference-runtime.js';
import { OnnxRuntimeNode } from '../pipeline/runtime/onnxruntime-node.js';
import { createApp, DEFAULT_CANDIDATES } from '../server/app.js';
import { unsendableKeyReason } from '../server/auth.js';
import type { RunningServer } from '../server/http-server.js';
import { limitHeapGrowth } from '../server/heap-growth.js';
import { createLogger } from '../server/logging.js';
import { DEFAULT_MAX_IN_FLIGHT } from '../server/shedding.js';
import { DEFAULT_MEMORY_ANSWER_CACHE, type MemoryAnswerCacheOptions } from '../store/memory-answer-cache.js';
import { openStore, type OpenedStore } from '../store/open-store.js';
import { LAYOUT_VERSION } from '../store/redis/keys.js';
import { migrateRedisStore } from '../store/redis-store.js';
import { backupDatabase } from '../store/sqlite/backup.js';
import { checkDatabaseFile } from '../store/sqlite/integrity.js';
import { askQuestion, formatAnswers } from './ask-command.js';
import { formatSummary, ingestPaths } from './ingest-command.js';
import { formatTotals, requireEmbeddedStore, storeKind } from './store-lines.js';

/** Exit codes: 0 done, 1 some documents were rejected (the rest were ingested), 2 bad usage or a fatal error. */
const EXIT_REJECTED = 1;
const EXIT_FAILURE = 2;

/** `--model default`: the real default model when the Hub or the cache has it, else the generated tiny one. */
const DEFAULT_MODEL_VALUE = 'default';
/** Where `npm run model:tiny` writes the generated fallback (KGQA_FALLBACK_MODEL overrides it). */
const FALLBACK_MODEL_DIR = '.kgqa/models/tiny';
// Without network `npm start` must still start at once; a reachable Hub answers a listing well within this.
const DEFAULT_MODEL_HUB_TIMEOUT_MS = 3_000;

interface StoreFlags {
  dataDir: string;
  store: string;
  vocabulary: string[];
  model?: string;
}

interface ReaderFlags {
  model?: string;
  variant: 'fp32' | 'int8';
  device: Device;
  threads: number;
  candidates: number;
  unanswerable: NoAnswerMode;
  nullThreshold: number;
}

interface ServeFlags extends StoreFlags, ReaderFlags {
  port: number;
  host: string;
  ingest: string[];
  development: boolean;
  corsOrigin: string[];
  queueSize: number;
  queueWait: number;
  maxInFlight: number;
  clientAsks: number;
  clientWindow: number;
  answerCacheTtl: number;
  answerCacheEntries: number;
  answerCacheMb: number;
  authFailures: number;
  authFailureWindow: number;
}

interface AskFlags extends StoreFlags, ReaderFlags {
  limit: number;
  json: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return port;
}

function parseThreshold(value: string): number {
  const threshold = Number(value);
  if (value.trim() === '' || !Number.isFinite(threshold)) throw new InvalidArgumentError('must be a number, e.g. 0 or 0.1');
  return threshold;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('must be a whole number');
  return count;
}

function parsePositive(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('must be a whole number, at least 1');
  return count;
}

/** Which store: --data-dir and --store. */
function locationOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'where the embedded store keeps its database (kgqa.sqlite)').env('KGQA_DATA_DIR').default('data'))
    .addOption(
      new Option('--store <url>', 'sqlite (embedded, in --data-dir), redis://host:port or redis+cluster://host:port,…').env('KGQA_STORE').default('sqlite'),
    );
}

function storeOptions(command: Command): Command {
  return modelOption(locationOptions(command)).option(
    '--vocabulary <file>',
    'concept vocabulary (.tsv or .tsv.gz: id, name, synonyms); repeatable',
    collect,
    [],
  );
}

function modelOption(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--model <dir|owner/name[@revision]|default>',
        `QA model: a folder (config.json, tokenizer files, onnx/model*.onnx), a Hugging Face Hub id, or "default" (${DEFAULT_MODEL_ID} from the Hub or its cache, else the generated model in ${FALLBACK_MODEL_DIR} with a warning)`,
      ).env(
        'KGQA_MODEL',
      ),
    );
}

/** How the model runs and how much it reads; `serve` and `ask` share them. */
function readerOptions(command: Command): Command {
  return command
    .addOption(new Option('--variant <variant>', 'model weights: fp32 (onnx/model.onnx) or int8 (onnx/model_quantized.onnx)').choices(['fp32', 'int8']).default('fp32'))
    .addOption(new Option('--device <device>', 'where onnxruntime runs the model: cpu, or cuda where the installed onnxruntime-node has CUDA').choices(DEVICES).env('KGQA_DEVICE').default('cpu'))
    .addOption(new Option('--threads <n>', 'threads per inference (0: onnxruntime decides)').env('KGQA_THREADS').default(0).argParser(parseCount))
    .addOption(new Option('--candidates <n>', 'passages the model reads per question').default(DEFAULT_CANDIDATES).argParser(parseCount))
    .addOption(
      // Not --no-answer: Commander reads any --no-* option as the negation of a boolean.
      new Option('--unanswerable <mode>', 'whether the model says a passage holds no answer (SQuAD 2.0 models): auto (when its name says squad2 / squad_v2), on, off')
        .choices(NO_ANSWER_MODES)
        .env('KGQA_UNANSWERABLE')
        .default('auto'),
    )
    .addOption(
      new Option('--null-threshold <x>', "a passage has no answer when its null score exceeds its best span's by more than this (0: as Hugging Face decides)")
        .env('KGQA_NULL_THRESHOLD')
        .default(0)
        .argParser(parseThreshold),
    );
}

/** A --model value's folder and what to call it: a Hub id, or the folder's name (never a path users see). */
interface ModelChoice {
  dir: string;
  name: string;
}

/** The folder of a --model value, downloading a Hub id into the Hugging Face cache when needed. */
async function chooseModel(value: string, variant: 'fp32' | 'int8' = 'fp32'): Promise<ModelChoice> {
  const progress = terminalProgress(`model ${value === DEFAULT_MODEL_VALUE ? DEFAULT_MODEL_ID : value}`);
  const notice = (line: string) => console.error(line);
  if (value === DEFAULT_MODEL_VALUE) {
    const fallbackDir = process.env.KGQA_FALLBACK_MODEL || FALLBACK_MODEL_DIR;
    const settings = { ...hubSettingsFromEnv(), timeoutMs: DEFAULT_MODEL_HUB_TIMEOUT_MS };
    const model = await resolveDefaultModel({ variant, settings, fallbackDir, progress, notice });
    if (model.fallbackReason) {
      console.error(`kgqa: WARNING: the default model is unavailable (${model.fallbackReason}); answering with the generated model in ${fallbackDir}, whose answers are NOT meaningful`);
      return { dir: model.dir, name: basename(model.dir) };
    }
    describeHubModel(model);
    return { dir: model.dir, name: model.name };
  }
  const model = await resolveModel(value, { variant, progress, notice });
  describeHubModel(model);
  return { dir: model.dir, name: model.hub ? model.name : basename(model.dir) };
}

/** Where a Hub model's files came from, for the operator. */
function describeHubModel(model: Pick<ResolvedModel, 'name' | 'dir' | 'hub'>): void {
  if (!model.hub) return;
  const { commit, downloadedBytes, cacheOnly } = model.hub;
  const source = downloadedBytes > 0 ? `downloaded ${formatBytes(downloadedBytes)}` : cacheOnly ? 'from the cache, offline' : 'cached';
  console.error(`kgqa: model ${model.name} is commit ${commit.slice(0, 7)} (${source}): ${model.dir}`);
}

/** The reader of --model (none without it) and the line saying what answers. The runtime comes first: a device this build cannot use fails before any download. */
async function loadReader(flags: ReaderFlags): Promise<{ reader: QaReader; line: string } | undefined> {
  if (!flags.model) return undefined;
  const runtime = new OnnxRuntimeNode({ device: flags.device, intraOpThreads: flags.threads });
  const choice = await chooseModel(flags.model, flags.variant);
  const reader = await loadQaReader(choice.dir, {
    variant: flags.variant,
    runtime,
    name: choice.name,
    noAnswer: saysNoAnswer(flags.unanswerable, choice.name),
    nullThreshold: flags.nullThreshold,
  });
  return { reader, line: modelLine(reader, runtime.description) };
}

/** Lines about the store's files (an imported snapshot, a failed integrity check) go to the operator. */
function openStoreFor(flags: Pick<StoreFlags, 'store' | 'dataDir'>, answerCache?: MemoryAnswerCacheOptions): Promise<OpenedStore> {
  return openStore({ url: flags.store, dataDir: flags.dataDir, answerCache, notice: (line) => console.error(`kgqa: ${line}`) });
}

/** SIGTERM and Ctrl-C run `stop` once; a second signal while it runs is ignored (stopping saves nothing more). */
function onStopSignal(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void stop(signal);
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
}

/** The one line a stopped process ends with: what is saved where, and what was not. */
async function stoppedLine(opened: OpenedStore, unsaved: ReadonlyMap<string, number>): Promise<{ line: string; failed: boolean }> {
  const articles = await opened.store
    .stats()
    .then((stats) => ` (${stats.articles} articles)`)
    .catch(() => '');
  let closeProblem = '';
  await opened.store.close().catch((error: Error) => (closeProblem = `; closing the store failed: ${error.message}`));
  const lost = [...unsaved].map(([reason, count]) => `; ${count} document${count === 1 ? '' : 's'} sent to it could not be saved (${reason})`);
  const line = `kgqa: stopped; every acknowledged document is saved in ${opened.location}${articles}${lost.join('')}${closeProblem}`;
  return { line, failed: lost.length > 0 || closeProblem !== '' };
}

/** The start-up line: which model answers, and whether its answers mean anything. */
function modelLine(reader: QaReader, runtime: string): string {
  const { name, variant, generated, description } = reader.model;
  const meaning = generated ? `${description}` : `${description}; answers are meaningful`;
  const noAnswer = reader.noAnswer ? `; says "no answer" (null threshold ${reader.noAnswer.nullThreshold})` : '';
  return `kgqa QA model: ${name} (${variant}, ${runtime}) — ${meaning}${noAnswer}`;
}

const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };

const program = new Command('kgqa')
  .description('Question answering over a concept graph built from documents')
  .version(version, '-V, --version', 'print the version of kgqa')
  .addHelpText(
    'after',
    `
Start with \`npm start\` (or kgqa serve --model DIR), then open http://localhost:4000/ in a browser: the web page
asks questions and draws the concept graph. GraphiQL is at http://localhost:4000/graphql, Prometheus metrics at
http://localhost:4000/metrics. \`kgqa <command> --help\` lists a command's options.`,
  )
  .exitOverride()
  .showSuggestionAfterError();

storeOptions(
  program
    .command('ingest')
    .description('read documents (CORD-19 .json, .jsonl, .txt, .md; folders are walked) into the graph')
    .argument('<paths...>', 'files or folders'),
).action(async (paths: string[], flags: StoreFlags) => {
  const modelDir = flags.model ? (await chooseModel(flags.model)).dir : undefined;
  const preparer = await ArticlePreparer.start({ vocabularies: flags.vocabulary, modelDir });
  const opened = await openStoreFor(flags);
  const stopping = new AbortController();
  onStopSignal(async () => stopping.abort());
  try {
    const summary = await ingestPaths(paths, (results, onProgress) =>
      ingestDocuments(opened.store, results, { preparer, signal: stopping.signal, onProgress }),
    );
    console.log(formatSummary(summary));
    if (summary.rejected.length > 0) process.exitCode = EXIT_REJECTED;
  } catch (error) {
    if (!(error instanceof IngestAborted)) throw error;
    console.error(`kgqa: ${opened.location}: ${error.message}`);
    process.exitCode = EXIT_FAILURE;
  } finally {
    await preparer.close();
    await opened.store.close();
  }
});

program
  .command('backup')
  .description('copy the embedded store, while it serves, into one file (restore: stop kgqa, put the file in place of kgqa.sqlite)')
  .argument('<file>', 'the backup file to write (must not exist)')
  .addOption(new Option('--data-dir <dir>', 'the data folder of the store').env('KGQA_DATA_DIR').default('data'))
  .action((file: string, flags: { dataDir: string }) => {
    const { articles, bytes, seconds } = backupDatabase(flags.dataDir, file);
    console.log(`kgqa: backed up ${articles} articles to ${file} (${formatBytes(bytes)}, checked) in ${seconds.toFixed(1)} s`);
  });

program
  .command('check')
  .description("check the embedded store's file: SQLite's integrity check, then every article and sentence against its checksum")
  .addOption(new Option('--data-dir <dir>', 'the data folder of the store').env('KGQA_DATA_DIR').default('data'))
  .action((flags: { dataDir: string }) => {
    const { file, problems, seconds } = checkDatabaseFile(flags.dataDir);
    if (problems.length === 0) console.log(`kgqa: ${file} is intact (checked in ${seconds.toFixed(1)} s)`);
    else {
      console.log(`kgqa: ${file} is damaged: ${problems.join('; ')}; restore it from a backup, or move it away and ingest again`);
      process.exitCode = EXIT_REJECTED;
    }
  });

program
  .command('migrate')
  .description('move a Redis namespace written by an older kgqa to the current key layout (stop every kgqa using it first)')
  .addOption(new Option('--store <url>', 'redis://host:port[?namespace=NAME] or redis+cluster://host:port,…[?namespace=NAME]').env('KGQA_STORE').makeOptionMandatory())
  .action(async (flags: { store: string }) => {
    if (!/^redis(\+cluster)?:\/\//.test(flags.store)) throw new Error('the embedded store upgrades its own file when it opens; migrate is for --store redis://… or redis+cluster://…');
    const { from, moved, dropped } = await migrateRedisStore(flags.store);
    if (from === 'empty' || from === String(LAYOUT_VERSION)) console.log(`kgqa: ${flags.store} already has key layout ${LAYOUT_VERSION}; nothing to do`);
    else console.log(`kgqa: ${flags.store} moved from key layout ${from} to ${LAYOUT_VERSION}: ${moved} keys renamed, ${dropped} cached answers dropped`);
  });

locationOptions(
  program
    .command('delete')
    .description('delete documents by id, as if they had never been ingested (ranks, edges, text index and cached answers follow)')
    .argument('<ids...>', 'article ids'),
).action(async (ids: string[], flags: Pick<StoreFlags, 'store' | 'dataDir'>) => {
  const opened = await openStoreFor(flags);
  try {
    const deleted = new Set(await opened.store.deleteArticles(ids));
    await opened.answerCache.forgetArticles([...deleted]);
    await opened.store.flush();
    const notFound = [...new Set(ids)].filter((id) => !deleted.has(id));
    const stats = await opened.store.stats();
    console.log(`deleted ${deleted.size} documents from ${opened.location}`);
    if (notFound.length > 0) console.log(`not found: ${notFound.join(', ')}`);
    console.log(`store: ${stats.articles} articles, ${stats.sentences} sentences, ${stats.concepts} concepts, ${stats.edges} edges`);
    if (notFound.length > 0) process.exitCode = EXIT_REJECTED;
  } finally {
    await opened.store.close();
  }
});

locationOptions(
  program
    .command('drop')
    .description('delete the whole corpus of the store (every document, concept, edge and cached answer)')
    .option('--yes', 'confirm: without it nothing is deleted', false),
).action(async (flags: Pick<StoreFlags, 'store' | 'dataDir'> & { yes: boolean }) => {
  if (!flags.yes) {
    console.error('kgqa: drop deletes every document of the store; run it again with --yes to confirm');
    process.exitCode = EXIT_FAILURE;
    return;
  }
  const opened = await openStoreFor(flags);
  try {
    const { articles } = await opened.store.stats();
    await opened.store.drop();
    await opened.store.flush();
    console.log(`dropped ${articles} documents from ${opened.location}`);
  } finally {
    await opened.store.close();
  }
});

readerOptions(
  modelOption(locationOptions(program.command('ask')))
    .description('answer a question from the terminal: each answer with its sentence and article (needs --model)')
    .argument('<question>', 'the question, quoted')
    .addOption(new Option('--limit <n>', 'answers to print, best first').default(5).argParser(parseCount))
    .option('--json', "print the answers as JSON (text, score, cached, the sentence with the answer's offsets in it, the article)", false),
).action(async (question: string, flags: AskFlags) => {
  requireEmbeddedStore(flags.store, flags.dataDir);
  const loaded = await loadReader(flags);
  if (!loaded) throw new Error('ask needs a QA model: give --model DIR, a Hub id or default (or set KGQA_MODEL)');
  const opened = await openStoreFor(flags);
  try {
    if (!flags.json) console.error(loaded.line);
    const app = createApp({ store: opened.store, answerCache: opened.answerCache, reader: loaded.reader, candidates: flags.candidates });
    const answers = await askQuestion(app.services, question, flags.limit);
    console.log(flags.json ? JSON.stringify({ question, answers }, null, 2) : formatAnswers(question, answers));
  } finally {
    await loaded.reader.close();
    await opened.store.close();
  }
});

locationOptions(program.command('stats'))
  .description("print the store's totals: articles, sentences, concepts and edges")
  .option('--json', 'print the totals as JSON', false)
  .action(async (flags: { dataDir: string; store: string; json: boolean }) => {
    requireEmbeddedStore(flags.store, flags.dataDir);
    const opened = await openStoreFor(flags);
    try {
      const stats = await opened.store.stats();
      console.log(flags.json ? JSON.stringify({ store: opened.location, ...stats }) : `${opened.location} (${storeKind(flags.store)}): ${formatTotals(stats)}`);
    } finally {
      await opened.store.close();
    }
  });

readerOptions(
  storeOptions(program.command('serve'))
    .description('serve the web page (at /), GraphQL and GraphiQL (at /graphql) and metrics (at /metrics)')
    .addOption(new Option('--port <n>', 'port to listen on').env('KGQA_PORT').default(4000).argParser(parsePort))
    .addOption(new Option('--host <host>', 'address to listen on').env('KGQA_HOST').default('127.0.0.1'))
    .option('--ingest <path>', 'ingest these files or folders before serving (unchanged ones are skipped); repeatable', collect, [])
    .option('--development', 'include stack traces and server file paths in error responses', false)
    .addOption(
      new Option('--answer-cache-ttl <seconds>', 'how long a cached answer is kept (in memory, or on Redis after the last write to its question and article)')
        .env('KGQA_ANSWER_CACHE_TTL')
        .default(DEFAULT_MEMORY_ANSWER_CACHE.ttlMs / 1000)
        .argParser(parsePositive),
    )
    .addOption(
      new Option('--answer-cache-entries <n>', 'answers the in-process cache holds at most (embedded store)')
        .env('KGQA_ANSWER_CACHE_ENTRIES')
        .default(DEFAULT_MEMORY_ANSWER_CACHE.maxEntries)
        .argParser(parsePositive),
    )
    .addOption(
      new Option('--answer-cache-mb <n>', 'estimated megabytes the in-process cache holds at most (embedded store)')
        .env('KGQA_ANSWER_CACHE_MB')
        .default(DEFAULT_MEMORY_ANSWER_CACHE.maxBytes / 1024 / 1024)
        .argParser(parsePositive),
    )
    .addOption(
      new Option('--queue-size <n>', 'asks that may wait for the model; more are answered 503 SERVICE_UNAVAILABLE (0: no queue, every ask runs at once)')
        .env('KGQA_QUEUE_SIZE')
        .default(DEFAULT_ADMISSION.queueSize)
        .argParser(parseCount),
    )
    .addOption(
      new Option('--queue-wait <ms>', 'longest wait in that queue before an ask is answered 503')
        .env('KGQA_QUEUE_WAIT_MS')
        .default(DEFAULT_ADMISSION.maxWaitMs)
        .argParser(parsePositive),
    )
    .addOption(
      new Option('--max-in-flight <n>', 'requests in flight (health, readiness and metrics aside) beyond which new ones are answered 503 before being read (0: no bound)')
        .env('KGQA_MAX_IN_FLIGHT')
        .default(DEFAULT_MAX_IN_FLIGHT)
        .argParser(parseCount),
    )
    .addOption(
      new Option('--client-asks <n>', 'asks the model must read that one client (API key or address) may make per window; more are answered 429 (0: no limit)')
        .env('KGQA_CLIENT_ASKS')
        .default(60)
        .argParser(parseCount),
    )
    .addOption(new Option('--client-window <seconds>', 'the window of --client-asks').env('KGQA_CLIENT_WINDOW').default(60).argParser(parsePositive))
    .addOption(
      new Option('--auth-failures <n>', 'failed authentications an address may make per window before it is answered 429 (0: no limit)')
        .env('KGQA_AUTH_FAILURES')
        .default(10)
        .argParser(parseCount),
    )
    .addOption(new Option('--auth-failure-window <seconds>', 'the window of --auth-failures').env('KGQA_AUTH_FAILURE_WINDOW').default(60).argParser(parsePositive))
    .addOption(
      new Option('--cors-origin <origin>', 'allow browsers from this origin (repeatable; * for any)')
        .env('KGQA_CORS_ORIGINS')
        .argParser((value, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)])
        .default([]),
    )
    .addHelpText('after', '\nOnce it serves, open http://localhost:4000/ (or your --host and --port) for the web page; GraphiQL is at /graphql, metrics at /metrics.'),
).action(async (flags: ServeFlags) => {
  limitHeapGrowth();
  // Checked before anything loads: a key no client can send would refuse every write with no other sign.
  const apiKey = process.env.KGQA_API_KEY || undefined;
  const keyProblem = apiKey && unsendableKeyReason(apiKey);
  if (keyProblem) throw new Error(`KGQA_API_KEY cannot be used: ${keyProblem}`);
  const loaded = await loadReader(flags);
  const reader = loaded?.reader;
  const preparer = await ArticlePreparer.start({ vocabularies: flags.vocabulary, modelDir: reader?.model.path });
  // On Redis the answer cache is shared by every server of the corpus.
  const opened = await openStoreFor(flags, {
    ttlMs: flags.answerCacheTtl * 1000,
    maxEntries: flags.answerCacheEntries,
    maxBytes: flags.answerCacheMb * 1024 * 1024,
  });
  const { store, answerCache } = opened;
  const app = createApp({
    store,
    answerCache,
    reader,
    preparer,
    candidates: flags.candidates,
    metrics: true,
    admission: flags.queueSize > 0 ? { ...DEFAULT_ADMISSION, queueSize: flags.queueSize, maxWaitMs: flags.queueWait } : null,
    clientAsks: flags.clientAsks > 0 ? { limit: flags.clientAsks, windowMs: flags.clientWindow * 1000 } : undefined,
  });
  let server: RunningServer | undefined;
  // Installed before --ingest runs: a signal during it stops the ingest between documents and says what was saved.
  onStopSignal(async (signal) => {
    console.error(`kgqa: ${signal}: finishing in-flight requests, then closing the store`);
    app.stopIngests();
    await server?.close().catch(() => undefined);
    await app.ingestsSettled();
    await reader?.close().catch(() => undefined);
    await preparer.close().catch(() => undefined);
    const { line, failed } = await stoppedLine(opened, app.unsaved);
    console.error(line);
    process.exit(failed ? EXIT_REJECTED : 0);
  });
  if (flags.ingest.length > 0) {
    try {
      console.error(formatSummary(await ingestPaths(flags.ingest, (results, onProgress) => app.services.ingest(results, onProgress))));
    } catch (error) {
      // Stopped by a signal: the signal's handler says what was saved.
      if (error instanceof IngestAborted && error.code === 'STORE_CLOSED') return;
      throw error;
    }
  }
  // Human-facing start-up lines go to stderr; stdout carries only the JSON request log.
  console.error(`kgqa store: ${storeKind(flags.store)}, ${opened.location}: ${formatTotals(await store.stats())}`);
  if (loaded) console.error(loaded.line);
  else console.error('kgqa runs without a QA model: `ask` is unavailable (give --model DIR, a Hub id, or default)');
  if (!apiKey) console.error('kgqa: KGQA_API_KEY is not set, so mutations (writes) are refused');
  server = await app.listen({
    port: flags.port,
    host: flags.host,
    development: flags.development,
    apiKey,
    corsOrigins: flags.corsOrigin,
    maxInFlight: flags.maxInFlight > 0 ? flags.maxInFlight : undefined,
    authFailures: flags.authFailures > 0 ? { limit: flags.authFailures, windowMs: flags.authFailureWindow * 1000 } : undefined,
    logger: createLogger(),
  });
  const origin = new URL(server.url).origin;
  console.error(
    [
      `kgqa serving GraphQL at ${server.url}`,
      `  open the web page:  ${origin}/`,
      `  GraphiQL:           ${server.url} (in a browser)`,
      `  metrics:            ${origin}/metrics`,
    ].join('\n'),
  );
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed the one-line reason (or the help text, which exits 0).
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_FAILURE;
  } else {
    console.error(`kgqa: ${(error as Error).message}`);
    process.exitCode = EXIT_FAILURE;
  }
}
