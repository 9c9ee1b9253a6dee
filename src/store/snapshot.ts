import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArticleRecord, ConceptOrigin, SentenceRecord, SentenceTokens } from '../domain.js';

export interface Snapshot {
  articles: ArticleRecord[];
  sentences: SentenceRecord[];
  concepts: { id: string; name: string; origin: ConceptOrigin; surfaceForms: string[] }[];
  tokens: [string, SentenceTokens][];
}

/** The JSON store's file before the embedded store moved to SQLite; sqlite/open-database.ts imports it once. */
export const SNAPSHOT_FILE = 'graph.json';
const FORMAT = 'kgqa-memory-snapshot/1';

export async function readSnapshot(dataDir: string): Promise<Snapshot | null> {
  const path = join(dataDir, SNAPSHOT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: { format?: unknown } & Partial<Snapshot>;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`snapshot ${path} is not valid JSON (${(error as Error).message}); move it away to start empty`);
  }
  if (parsed.format !== FORMAT || !parsed.articles || !parsed.sentences || !parsed.concepts) {
    throw new Error(`snapshot ${path} is not a ${FORMAT} file; move it away to start empty`);
  }
  return { articles: parsed.articles, sentences: parsed.sentences, concepts: parsed.concepts, tokens: parsed.tokens ?? [] };
}
