#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { terminalProgress } from '../hub/download-progress.js';
import { resolveModel } from '../hub/resolve-model.js';
import { lexiconFromVocabularies, type ConceptLexicon } from '../ingest/concept-lexicon.js';
import { loadVocabulary } from '../ingest/vocabulary.js';
import { formatBytes } from '../format-bytes.js';
import { loadQaReader } from '../pipeline/load-reader.js';
import { DEVICES, type Device } from '../pipeline/runtime/inference-runtime.js';
import { OnnxRuntimeNode } from '../pipeline/runtime/onnxruntime-node.js';
import { loadTokenizer } from '../pipeline/tokenizers/load-tokenizer.js';
import { createApp } from '../server/app.js';
import { limitHeapGrowth } from '../server/heap-growth.js';
import { createLogger } from '../server/logging.js';
import { openStore } from '../store/open-store.js';
import type { GraphStore } from '../store/store.js';
import { formatSummary, ingestPaths } from './ingest-command.js';

/** Exit codes: 0 done, 1 some documents were rejected (the rest were ingested), 2 bad usage or a fatal error. */
const EXIT_REJECTED = 1;
const EXIT_FAILURE = 2;

interface StoreFlags {
  dataDir: string;
  store: string;
  vocabulary: string[];
  model?: string;
}

interface ServeFlags extends StoreFlags {
  port: number;
  host: string;
  ingest: string[];
  development: boolean;
  variant: 'fp32' | 'int8';
  device: Device;
  threads: number;
  candidates: number;
  corsOrigin: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return port;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new InvalidArgumentError('must be a whole number');
  return count;
}

function storeOptions(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'where the embedded store keeps its database (kgqa.sqlite)').env('KGQA_DATA_DIR').default('data'))
    .addOption(
      new Option('--store <url>', 'sqlite (embedded, in --data-dir), redis://host:port or redis+cluster://host:port,…').env('KGQA_STORE').default('sqlite'),
    )
    .option('--vocabulary <file>', 'concept vocabulary (.tsv or .tsv.gz: id, name, synonyms); repeatable', collect, [])
    .addOption(
      new Option('--model <dir|owner/name[@revision]>', 'QA model: a folder (config.json, tokenizer files, onnx/model*.onnx) or a Hugging Face Hub id').env(
        'KGQA_MODEL',
      ),
    );
}

/** The folder of a --model value, downloading a Hub id into the Hugging Face cache when needed. */
async function modelFolder(value: string, variant: 'fp32' | 'int8' = 'fp32'): Promise<string> {
  const model = await resolveModel(value, { variant, progress: terminalProgress(`model ${value}`), notice: (line) => console.error(line) });
  if (model.hub) {
    const { commit, downloadedBytes, cacheOnly } = model.hub;
    const source = downloadedBytes > 0 ? `downloaded ${formatBytes(downloadedBytes)}` : cacheOnly ? 'from the cache, offline' : 'cached';
    console.error(`kgqa: model ${model.name} is commit ${commit.slice(0, 7)} (${source}): ${model.dir}`);
  }
  return model.dir;
}

async function loadLexicon(paths: string[]): Promise<ConceptLexicon | undefined> {
  if (paths.length === 0) return undefined;
  return lexiconFromVocabularies(await Promise.all(paths.map(loadVocabulary)));
}

async function withStore<T>(flags: StoreFlags, run: (store: GraphStore) => Promise<T>): Promise<T> {
  const { store } = await openStore({ url: flags.store, dataDir: flags.dataDir });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

const program = new Command('kgqa')
  .description('Question answering over a concept graph built from documents')
  .exitOverride()
  .showSuggestionAfterError();

storeOptions(
  program
    .command('ingest')
    .description('read documents (CORD-19 .json, .jsonl, .txt, .md; folders are walked) into the graph')
    .argument('<paths...>', 'files or folders'),
).action(async (paths: string[], flags: StoreFlags) => {
  const lexicon = await loadLexicon(flags.vocabulary);
  const tokenizer = flags.model ? await loadTokenizer(await modelFolder(flags.model)) : undefined;
  const summary = await withStore(flags, (store) => ingestPaths(store, paths, { lexicon, tokenizer }));
  console.log(formatSummary(summary));
  if (summary.rejected.length > 0) process.exitCode = EXIT_REJECTED;
});

storeOptions(
  program
    .command('serve')
    .description('serve GraphQL (and GraphiQL at GET /graphql)')
    .addOption(new Option('--port <n>', 'port to listen on').env('KGQA_PORT').default(4000).argParser(parsePort))
    .addOption(new Option('--host <host>', 'address to listen on').env('KGQA_HOST').default('127.0.0.1'))
    .option('--ingest <path>', 'ingest these files or folders before serving (unchanged ones are skipped); repeatable', collect, [])
    .option('--development', 'include stack traces in error responses', false)
    .addOption(new Option('--variant <variant>', 'model weights: fp32 (onnx/model.onnx) or int8 (onnx/model_quantized.onnx)').choices(['fp32', 'int8']).default('fp32'))
    .addOption(new Option('--device <device>', 'where onnxruntime runs the model: cpu, or cuda where the installed onnxruntime-node has CUDA').choices(DEVICES).env('KGQA_DEVICE').default('cpu'))
    .addOption(new Option('--threads <n>', 'threads per inference (0: onnxruntime decides)').env('KGQA_THREADS').default(0).argParser(parseCount))
    .addOption(new Option('--candidates <n>', 'sentences the model reads per question').default(20).argParser(parseCount))
    .addOption(
      new Option('--cors-origin <origin>', 'allow browsers from this origin (repeatable; * for any)')
        .env('KGQA_CORS_ORIGINS')
        .argParser((value, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)])
        .default([]),
    ),
).action(async (flags: ServeFlags) => {
  limitHeapGrowth();
  const lexicon = await loadLexicon(flags.vocabulary);
  // The runtime first: a device this build cannot use fails before any download.
  const runtime = flags.model ? new OnnxRuntimeNode({ device: flags.device, intraOpThreads: flags.threads }) : undefined;
  const reader = flags.model && runtime ? await loadQaReader(await modelFolder(flags.model, flags.variant), { variant: flags.variant, runtime }) : undefined;
  // On Redis the answer cache is shared by every server of the corpus.
  const { store, answerCache } = await openStore({ url: flags.store, dataDir: flags.dataDir });
  if (flags.ingest.length > 0) {
    console.error(formatSummary(await ingestPaths(store, flags.ingest, { lexicon, tokenizer: reader?.tokenizer })));
  }
  // Human-facing start-up lines go to stderr; stdout carries only the JSON request log.
  if (reader) console.error(`kgqa QA model: ${reader.model.path} (${reader.model.variant}, ${runtime!.description}) — ${reader.model.description}`);
  else console.error('kgqa runs without a QA model: `ask` is unavailable (give --model DIR)');
  const apiKey = process.env.KGQA_API_KEY || undefined;
  if (!apiKey) console.error('kgqa: KGQA_API_KEY is not set, so mutations (writes) are refused');
  const app = createApp({ store, answerCache, reader, lexicon, candidates: flags.candidates, metrics: true });
  const server = await app.listen({
    port: flags.port,
    host: flags.host,
    development: flags.development,
    apiKey,
    corsOrigins: flags.corsOrigin,
    logger: createLogger(),
  });
  console.error(`kgqa serving GraphQL at ${server.url} (GraphiQL: open it in a browser)`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`kgqa: ${signal}: finishing in-flight requests, then saving the store`);
    await server.close();
    await reader?.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
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
