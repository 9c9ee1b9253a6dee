import { readInputs } from '../../src/cli/ingest-command.js';
import { ingestDocuments } from '../../src/ingest/ingest.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { cord19Dir } from './cli.js';

/**
 * The CORD-19 sample as the parity test and the QA benchmarks see it: ingested without a vocabulary into a fresh
 * SqliteStore. With a model folder, sentences are pre-tokenized by its tokenizer as `kgqa ingest --model` does, so reads
 * fetch stored tokens.
 */
export async function ingestCord19Sample(modelDir?: string): Promise<SqliteStore> {
  const store = await SqliteStore.open();
  await ingestDocuments(store, await readInputs([cord19Dir]), { modelDir });
  return store;
}
