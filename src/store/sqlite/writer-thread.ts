/** The embedded store's writer: a worker thread with its own connection, running every write transaction. */
import type { SentenceTokens } from '../../domain.js';
import { serveWorkerRequests } from '../../worker-rpc.js';
import type { PreparedArticle } from '../store.js';
import { SqliteArticleWriter } from './article-writer.js';
import { openConnection, syncLog } from './connection.js';

await serveWorkerRequests((file: string) => {
  const db = openConnection(file, 'writer');
  const writer = new SqliteArticleWriter(db);
  let unsynced = false;
  return {
    handlers: {
      writeMany: (articles: PreparedArticle[]) => {
        unsynced = true;
        return writer.writeMany(articles);
      },
      putTokens: (entries: [string, SentenceTokens][]) => writer.putTokens(entries),
      deleteMany: (ids: string[]) => {
        unsynced = true;
        return writer.deleteMany(ids);
      },
      drop: () => {
        unsynced = true;
        writer.drop();
      },
      sync: () => {
        if (unsynced) syncLog(db);
        unsynced = false;
      },
    },
    close: () => db.close(),
  };
});
