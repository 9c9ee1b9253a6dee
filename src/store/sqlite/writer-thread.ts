/** The embedded store's writer: a worker thread with its own connection, running every write transaction. */
import type { SentenceTokens } from '../../domain.js';
import { serveWorkerRequests } from '../../worker-rpc.js';
import type { PreparedArticle } from '../store.js';
import { SqliteArticleWriter } from './article-writer.js';
import { durabilitySettings, openConnection } from './connection.js';

await serveWorkerRequests((file: string) => {
  const db = openConnection(file, 'writer');
  const writer = new SqliteArticleWriter(db);
  return {
    handlers: {
      write: (prepared: PreparedArticle) => writer.write(prepared),
      putTokens: (entries: [string, SentenceTokens][]) => writer.putTokens(entries),
      settings: () => durabilitySettings(db),
    },
    close: () => db.close(),
  };
});
