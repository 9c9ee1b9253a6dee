import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { formatBytes } from '../format-bytes.js';

/** One concept of a controlled vocabulary, as written in the file (MeSH names may be inverted: "RNA, Viral"). */
export interface VocabularyTerm {
  id: string;
  name: string;
  synonyms: string[];
}

export interface VocabularyLimits {
  /** Bytes of text (after decompression). */
  bytes: number;
  /** Characters in one line. */
  lineLength: number;
  rows: number;
  /** Distinct names and synonyms (the matcher holds each one). */
  terms: number;
}

/**
 * Bounds on one vocabulary file, so that a hostile or broken one (a .tsv.gz that inflates to one 1 GB line or to
 * 20 M rows) fails at the bound, in one line, instead of exhausting memory. Real vocabularies are far below them:
 * MeSH 2024 is 4.5 MB, 30,765 rows, 2,221 characters in its longest line and ~130,000 names and synonyms.
 */
export const VOCABULARY_LIMITS: VocabularyLimits = {
  bytes: 512 * 1024 * 1024,
  lineLength: 1024 * 1024,
  rows: 1_000_000,
  terms: 4_000_000,
};

const REQUIRED_COLUMNS = ['id', 'name', 'synonyms'] as const;
const SYNONYM_SEPARATOR = '|';

/**
 * Reads a tab-separated vocabulary (`.tsv`, or gzip-compressed `.tsv.gz`) whose header names the columns
 * `id`, `name` and `synonyms` (`|`-separated) in any order; other columns are ignored.
 */
export async function loadVocabulary(path: string, limits: VocabularyLimits = VOCABULARY_LIMITS): Promise<VocabularyTerm[]> {
  const compressed = /\.tsv\.gz$/i.test(path);
  if (!compressed && !/\.tsv$/i.test(path)) {
    throw new Error(`Cannot load vocabulary ${path}: expected a .tsv or .tsv.gz file`);
  }
  const terms: VocabularyTerm[] = [];
  let columns: Record<(typeof REQUIRED_COLUMNS)[number], number> | undefined;
  let width = 0;
  let lineNumber = 0;
  const forms = new Set<string>();
  try {
    for await (const line of boundedLines(openText(path, compressed), limits)) {
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
      if (terms.length === limits.rows) throw new Error(`more than ${limits.rows.toLocaleString('en')} rows`);
      for (const form of [name, ...synonyms]) forms.add(form);
      if (forms.size > limits.terms) throw new Error(`more than ${limits.terms.toLocaleString('en')} distinct names and synonyms`);
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
  // pipeline forwards a read error to the gunzip stream and closes the file when reading stops early.
  return compressed ? pipeline(file, createGunzip(), () => undefined) : file;
}

/**
 * The text's lines (without "\n" or "\r\n"), failing as soon as the text outgrows `limits.bytes` or a line outgrows
 * `limits.lineLength`: readline would hold a whole line, however long, and then fail with a RangeError.
 */
async function* boundedLines(input: Readable, limits: VocabularyLimits): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let pending = '';
  let lines = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > limits.bytes) throw new Error(`larger than ${formatBytes(limits.bytes)} of text`);
    pending += decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
      if (end - start > limits.lineLength) break;
      lines++;
      yield pending.slice(start, pending[end - 1] === '\r' ? end - 1 : end);
      start = end + 1;
    }
    pending = pending.slice(start);
    const lineEnd = pending.indexOf('\n');
    if ((lineEnd < 0 ? pending.length : lineEnd) > limits.lineLength) {
      throw new Error(`line ${lines + 1} is longer than ${limits.lineLength.toLocaleString('en')} characters`);
    }
  }
  pending += decoder.end();
  if (pending !== '') yield pending;
}
