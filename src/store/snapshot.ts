import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArticleRecord, ConceptOrigin, SentenceRecord, SentenceTokens } from '../domain.js';

export interface Snapshot {
  articles: ArticleRecord[];
  sentences: SentenceRecord[];
  concepts: { id: string; name: string; origin: ConceptOrigin; surfaceForms: string[] }[];
  tokens: [string, SentenceTokens][];
}

const FILE_NAME = 'graph.json';
const FORMAT = 'kgqa-memory-snapshot/1';

export async function readSnapshot(dataDir: string): Promise<Snapshot | null> {
  const path = join(dataDir, FILE_NAME);
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

/** Written to a temporary file and renamed, so a crash mid-write never leaves a torn snapshot. */
export async function writeSnapshot(dataDir: string, snapshot: Snapshot): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, FILE_NAME);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify({ format: FORMAT, ...snapshot }));
  await rename(temporary, path);
}
