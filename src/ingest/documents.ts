import { illFormedReason, toWellFormed } from '../unicode.js';

/** A document as read from any source, before it is split and matched. */
export interface SourceDocument {
  id: string;
  title: string;
  year: number | null;
  /** Sentences never cross paragraph boundaries. */
  paragraphs: string[];
  /** Where it came from (file, file:line, or the API), for error reports. */
  origin: string;
}

export interface RejectedDocument {
  origin: string;
  id: string | null;
  reason: string;
}

export type DocumentResult = { document: SourceDocument } | { rejected: RejectedDocument };

const ID_PATTERN = /^[^\s{}#\u0000-\u001f]{1,200}$/u;
export const MIN_YEAR = 1000;
export const MAX_YEAR = 2999;

export interface DocumentFields {
  id: unknown;
  title: unknown;
  year: unknown;
  paragraphs: unknown[];
}

/** Validates fields from any format; the reason names the field that is wrong. */
export function toDocument(fields: DocumentFields, origin: string): DocumentResult {
  const id = typeof fields.id === 'string' ? fields.id.trim() : typeof fields.id === 'number' ? String(fields.id) : null;
  const reject = (reason: string): DocumentResult => ({ rejected: { origin, id, reason } });
  if (id === null || id === '') return reject('missing id');
  const illFormed = illFormedReason(id);
  if (illFormed) return reject(`invalid id ${JSON.stringify(id.slice(0, 40))}: not well-formed Unicode (${illFormed})`);
  if (!ID_PATTERN.test(id)) return reject(`invalid id "${id.slice(0, 40)}": 1-200 characters, no spaces, braces or '#'`);
  if (fields.title !== undefined && fields.title !== null && typeof fields.title !== 'string') {
    return reject('title must be a string');
  }
  let year: number | null = null;
  if (fields.year !== undefined && fields.year !== null) {
    if (typeof fields.year !== 'number' || !Number.isInteger(fields.year) || fields.year < MIN_YEAR || fields.year > MAX_YEAR) {
      return reject(`year must be an integer between ${MIN_YEAR} and ${MAX_YEAR}`);
    }
    year = fields.year;
  }
  if (fields.paragraphs.some((p) => typeof p !== 'string')) return reject('text must be a string');
  const paragraphs = (fields.paragraphs as string[])
    .map(toWellFormed)
    .flatMap(splitParagraphs)
    .filter((p) => p.length > 0);
  if (paragraphs.length === 0) return reject('no text');
  const title = typeof fields.title === 'string' && fields.title.trim() !== '' ? toWellFormed(fields.title.trim()) : id;
  return { document: { id, title, year, paragraphs, origin } };
}

/**
 * Blank lines separate paragraphs; single newlines inside one are soft wraps. Lines are trimmed and joined: a regex
 * for "spaces, newline, spaces" retries a long run of spaces from every position (40,000 spaces took 3.5 s).
 */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0)
        .join(' '),
    )
    .filter((p) => p.length > 0);
}
