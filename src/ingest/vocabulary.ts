import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** One concept of a controlled vocabulary, as written in the file (MeSH names may be inverted: "RNA, Viral"). */
export interface VocabularyTerm {
  id: string;
  name: string;
  synonyms: string[];
}

const REQUIRED_COLUMNS = ['id', 'name', 'synonyms'] as const;
const SYNONYM_SEPARATOR = '|';

/**
 * Reads a tab-separated vocabulary (`.tsv`, or gzip-compressed `.tsv.gz`) whose header names the columns
 * `id`, `name` and `synonyms` (`|`-separated) in any order; other columns are ignored.
 */
export async function loadVocabulary(path: string): Promise<VocabularyTerm[]> {
  const compressed = /\.tsv\.gz$/i.test(path);
  if (!compressed && !/\.tsv$/i.test(path)) {
    throw new Error(`Cannot load vocabulary ${path}: expected a .tsv or .tsv.gz file`);
  }
  const terms: VocabularyTerm[] = [];
  let columns: Record<(typeof REQUIRED_COLUMNS)[number], number> | undefined;
  let width = 0;
  let lineNumber = 0;
  try {
    for await (const line of createInterface({ input: openText(path, compressed), crlfDelay: Infinity })) {
      lineNumber++;
      if (!columns) {
        const header = line.replace(/^\uFEFF/, '').split('\t').map((column) => column.trim().toLowerCase());
        const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
        if (missing.length > 0) throw new Error(`header lacks column ${missing.join(', ')}`);
        columns = { id: header.indexOf('id'), name: header.indexOf('name'), synonyms: header.indexOf('synonyms') };
        width = header.length;
        continue;
      }
      if (line.trim() === '') continue;
      const fields = line.split('\t');
      if (fields.length !== width) {
        throw new Error(`line ${lineNumber} is malformed: ${fields.length} fields, header has ${width}`);
      }
      const id = fields[columns.id].trim();
      const name = fields[columns.name].trim();
      if (!id || !name) throw new Error(`line ${lineNumber} is malformed: empty ${id ? 'name' : 'id'}`);
      const synonyms = new Set(fields[columns.synonyms].split(SYNONYM_SEPARATOR).map((synonym) => synonym.trim()));
      synonyms.delete('');
      synonyms.delete(name);
      terms.push({ id, name, synonyms: [...synonyms] });
    }
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot load vocabulary ${path}: ${problem}`, { cause: error });
  }
  if (!columns) throw new Error(`Cannot load vocabulary ${path}: missing header row`);
  return terms;
}

function openText(path: string, compressed: boolean): Readable {
  const file = createReadStream(path);
  if (!compressed) return file;
  const text = createGunzip();
  // `pipe` does not forward source errors; without this a missing file would leave the reader waiting forever.
  file.on('error', (error) => text.destroy(error));
  return file.pipe(text);
}
