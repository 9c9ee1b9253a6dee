import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreStats } from '../domain.js';
import { SNAPSHOT_FILE } from '../store/snapshot.js';
import { DATABASE_FILE } from '../store/sqlite-store.js';

/** The corpus totals as every command prints them. */
export function formatTotals(stats: StoreStats): string {
  return `${stats.articles} articles, ${stats.sentences} sentences, ${stats.concepts} concepts, ${stats.edges} edges`;
}

/** What kind of store a --store value names, for start-up lines. */
export function storeKind(url: string): string {
  if (url.startsWith('redis+cluster://')) return 'Redis Cluster';
  if (url.startsWith('redis://')) return 'Redis';
  return 'embedded SQLite';
}

export class MissingStoreError extends Error {}

/**
 * Commands that only read (ask, stats) refuse a data folder with no store rather than create an empty one there,
 * which would leave a stray ./data behind a mistyped --data-dir.
 */
export function requireEmbeddedStore(url: string, dataDir: string): void {
  if (url !== 'sqlite' && url !== 'memory') return;
  if (existsSync(join(dataDir, DATABASE_FILE)) || existsSync(join(dataDir, SNAPSHOT_FILE))) return;
  throw new MissingStoreError(
    `${join(dataDir, DATABASE_FILE)} does not exist: ingest documents first (kgqa ingest PATH --data-dir ${dataDir}), or give the --data-dir of a kgqa store`,
  );
}
