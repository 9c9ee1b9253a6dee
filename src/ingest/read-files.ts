import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { splitParagraphs, toDocument, type DocumentResult } from './documents.js';

export const SUPPORTED_EXTENSIONS = ['.json', '.jsonl', '.txt', '.md'] as const;

/** The files found, and every path met on the way that cannot be read, with why. */
export interface InputListing {
  files: string[];
  unreadable: { path: string; reason: string }[];
}

/**
 * Expands folders (recursively, sorted, hidden entries skipped) into the files they hold. What cannot be read (a
 * dangling or looping symbolic link, a folder without permission, a named pipe, socket or device) is listed with its
 * reason and skipped, so one bad entry never stops the rest; only a named path that does not exist at all is an error.
 */
export async function listInputFiles(paths: readonly string[]): Promise<InputListing> {
  const listing: InputListing = { files: [], unreadable: [] };
  // Folders already walked, by device and inode: a link back to an ancestor would otherwise recurse until ELOOP.
  const walked = new Set<string>();
  const walk = async (path: string, named: boolean): Promise<void> => {
    let info: Stats;
    try {
      info = await stat(path);
    } catch (error) {
      const link = await lstat(path).catch(() => null);
      if (named && !link) throw new Error(`no such file or folder: ${path}`);
      listing.unreadable.push({ path, reason: await fileSystemReason(error, path) });
      return;
    }
    if (info.isDirectory()) {
      const identity = `${info.dev}:${info.ino}`;
      if (walked.has(identity)) {
        listing.unreadable.push({ path, reason: 'a folder already walked (a symbolic link loop, or a second link to it)' });
        return;
      }
      walked.add(identity);
      let entries: string[];
      try {
        entries = await readdir(path);
      } catch (error) {
        listing.unreadable.push({ path, reason: await fileSystemReason(error, path) });
        return;
      }
      for (const name of entries.filter((entry) => !entry.startsWith('.')).sort()) await walk(join(path, name), false);
    } else if (info.isFile()) listing.files.push(path);
    else listing.unreadable.push({ path, reason: notRegular(info) });
  };
  for (const path of paths) await walk(path, true);
  return listing;
}

function notRegular(info: Stats): string {
  const kind = info.isFIFO() ? 'a named pipe' : info.isSocket() ? 'a socket' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : 'not a file';
  return `not a regular file (${kind})`;
}

/** A file-system error as a reason without the path (the report names it already). */
async function fileSystemReason(error: unknown, path: string): Promise<string> {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ELOOP':
      return 'symbolic link loop';
    case 'ENOENT': {
      const target = await readlink(path).catch(() => null);
      return target === null ? 'no such file' : `dangling symbolic link (to ${target})`;
    }
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return (error as Error).message.replace(`, ${path}`, '').replace(`'${path}'`, '').trim();
  }
}

/** Reads one file into documents; a bad file (or a bad JSONL line) becomes a rejection, never an exception. */
export async function readDocumentFile(path: string): Promise<DocumentResult[]> {
  const extension = extname(path).toLowerCase();
  const fileId = basename(path, extname(path)).replace(/\s+/g, '_');
  const reject = (reason: string): DocumentResult[] => [{ rejected: { origin: path, id: null, reason } }];
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(extension)) {
    return reject(`unknown format "${extension || basename(path)}" (expected ${SUPPORTED_EXTENSIONS.join(', ')})`);
  }
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path);
  } catch (error) {
    return reject(await fileSystemReason(error, path));
  }
  let text: string;
  try {
    text = decodeText(bytes);
  } catch (error) {
    return reject((error as Error).message);
  }
  if (text.trim() === '') return reject('empty file');
  switch (extension) {
    case '.json':
      return [readCord19Json(text, fileId, path)];
    case '.jsonl':
      return readJsonLines(text, path);
    default:
      return [readPlainText(text, fileId, path, extension === '.md')];
  }
}

/** Opened without blocking and checked first: reading a named pipe would wait forever for a writer. */
async function readRegularFile(path: string): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(notRegular(info));
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function decodeText(bytes: Buffer): string {
  // UTF-16 text is full of NUL bytes: name the encoding rather than call it binary.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new Error('not UTF-8 text (UTF-16: save it as UTF-8)');
  }
  if (bytes.subarray(0, 8192).includes(0)) throw new Error('binary file (contains NUL bytes)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new Error('not UTF-8 text');
  }
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `malformed JSON: ${(error as Error).message}` };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `text` of each paragraph entry, or null when the field is not a list of them. */
function paragraphTexts(value: unknown): unknown[] | null {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return null;
  return value.map((entry) => (isObject(entry) ? entry.text : entry));
}

/** CORD-19 layout: paper_id, metadata.title, abstract[].text, body_text[].text. */
function readCord19Json(text: string, fileId: string, path: string): DocumentResult {
  const parsed = parseJson(text);
  if ('error' in parsed) return { rejected: { origin: path, id: null, reason: parsed.error } };
  const paper = parsed.value;
  if (!isObject(paper) || (!('body_text' in paper) && !('abstract' in paper))) {
    return { rejected: { origin: path, id: null, reason: 'not a CORD-19 article (needs abstract[] or body_text[])' } };
  }
  const metadata = isObject(paper.metadata) ? paper.metadata : {};
  const abstract = paragraphTexts(paper.abstract);
  const body = paragraphTexts(paper.body_text);
  const paragraphs = abstract && body ? [...abstract, ...body] : null;
  if (!paragraphs || paragraphs.some((p) => typeof p !== 'string')) {
    return { rejected: { origin: path, id: null, reason: 'abstract[] and body_text[] entries need a string "text"' } };
  }
  return toDocument({ id: paper.paper_id ?? fileId, title: metadata.title, year: metadata.year, paragraphs }, path);
}

/** One `{id, title, year?, text}` object per line; a bad line rejects that line's document only. */
function readJsonLines(text: string, path: string): DocumentResult[] {
  const results: DocumentResult[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const origin = `${path}:${index + 1}`;
    const parsed = parseJson(line);
    if ('error' in parsed) {
      results.push({ rejected: { origin, id: null, reason: parsed.error } });
      return;
    }
    const record = parsed.value;
    if (!isObject(record)) {
      results.push({ rejected: { origin, id: null, reason: 'line is not a JSON object' } });
      return;
    }
    results.push(toDocument({ id: record.id, title: record.title, year: record.year, paragraphs: [record.text] }, origin));
  });
  return results;
}

/** First line is the title (a leading `#` in Markdown); Markdown headings and list markers are not sentences. */
function readPlainText(text: string, fileId: string, path: string, markdown: boolean): DocumentResult {
  const lines = text.split(/\r?\n/);
  const firstContent = lines.findIndex((line) => line.trim() !== '');
  const title = lines[firstContent].replace(markdown ? /^#+\s*/ : /^$/, '').trim();
  let body = lines.slice(firstContent + 1);
  if (markdown) {
    body = body.map((line) => {
      if (/^\s*#{1,6}\s/.test(line)) return '';
      const item = /^\s*(?:[-*+]|\d+\.)\s+(.*)$/.exec(line);
      return item ? `\n${item[1]}\n` : line;
    });
  }
  return toDocument({ id: fileId, title, year: null, paragraphs: splitParagraphs(body.join('\n')) }, path);
}
