import { join } from 'node:path';
import { readInputs } from '../../src/cli/ingest-command.js';
import { ArticlePreparer } from '../../src/ingest/article-preparer.js';
import type { DocumentResult } from '../../src/ingest/documents.js';
import { ingestDocuments } from '../../src/ingest/ingest.js';
import { loadQaReader } from '../../src/pipeline/load-reader.js';
import { createApp, type App } from '../../src/server/app.js';
import type { RunningServer } from '../../src/server/http-server.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { repoRoot } from './cli.js';
import { generateTinyModel } from './model.js';

export const seedDir = join(repoRoot, 'seed');

export interface SeedServer {
  app: App;
  server: RunningServer;
  documents: DocumentResult[];
  close(): Promise<void>;
}

/** The seed corpus in an in-memory store, served over HTTP with a tiny generated model (random weights). */
export async function startSeedServer(apiKey?: string): Promise<SeedServer> {
  const model = generateTinyModel();
  const reader = await loadQaReader(model);
  const preparer = await ArticlePreparer.start({ vocabularies: [join(seedDir, 'vocabulary.tsv')], modelDir: model });
  const store = await SqliteStore.open();
  const documents = await readInputs([join(seedDir, 'corpus')]);
  await ingestDocuments(store, documents, { preparer });
  const app = createApp({ store, preparer, reader });
  const server = await app.listen({ port: 0, apiKey });
  return {
    app,
    server,
    documents,
    close: async () => {
      await server.close();
      await reader.close();
      await preparer.close();
    },
  };
}
