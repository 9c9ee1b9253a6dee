/** Checks the database's structure on its own thread and connection, so serving starts without waiting for it. */
import Database from 'better-sqlite3';
import { serveWorkerRequests } from '../../worker-rpc.js';
import { checkDatabase, type CheckDepth } from './integrity.js';

await serveWorkerRequests((file: string) => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    handlers: { check: (depth: CheckDepth) => checkDatabase(db, depth) },
    close: () => db.close(),
  };
});
