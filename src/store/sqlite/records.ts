import { crc32 } from 'node:zlib';
import { sentenceKey, type ArticleRecord, type MentionRecord, type SentenceRecord, type SentenceTokens } from '../../domain.js';
import { StoreError } from '../store-error.js';

/** How records are stored in the embedded store's rows (schema.ts). */

export interface ArticleRow {
  id: number;
  article_id: string;
  title: string;
  year: number | null;
  sentence_count: number;
  content_hash: string;
  /** Null on rows written before layout 2. */
  checksum: number | null;
}

export interface SentenceRow {
  article: number;
  position: number;
  text: string;
  start: number;
  end: number;
  concept_ids: string;
  mentions: string;
  terms: string;
  checksum: number | null;
}

/**
 * CRC-32 of every field of a row, its key included (a row moved under another key is damaged too). SQLite checks
 * the structure of its pages but not the bytes of a value: a flipped bit in a sentence would be served as if true.
 */
export function rowChecksum(fields: readonly (string | number | null)[]): number {
  return crc32(fields.map((field) => (field === null ? '\u0001' : String(field))).join('\u0000'));
}

export function articleChecksum(row: Omit<ArticleRow, 'checksum'>): number {
  return rowChecksum([row.id, row.article_id, row.title, row.year, row.sentence_count, row.content_hash]);
}

export function sentenceChecksum(row: Omit<SentenceRow, 'checksum'>): number {
  return rowChecksum([row.article, row.position, row.text, row.start, row.end, row.concept_ids, row.mentions, row.terms]);
}

/** A row whose checksum does not match is reported, never served. */
function verified<T extends { checksum: number | null }>(row: T, checksum: (row: T) => number, what: string): T {
  if (row.checksum !== null && row.checksum !== checksum(row)) {
    throw new StoreError('STORE_CORRUPT', `the store's database file is damaged: ${what} does not match its checksum`);
  }
  return row;
}

export interface TokensRow {
  fingerprint: string;
  ids: Buffer;
  offsets: Buffer;
}

export function decodeArticle(row: ArticleRow): ArticleRecord {
  verified(row, articleChecksum, `article ${row.article_id}`);
  return { id: row.article_id, title: row.title, year: row.year, sentenceCount: row.sentence_count, contentHash: row.content_hash };
}

export function encodeMentions({ conceptIds, mentions }: Pick<SentenceRecord, 'conceptIds' | 'mentions'>): string {
  const index = new Map(conceptIds.map((id, i) => [id, i]));
  return JSON.stringify(mentions.flatMap((m) => [index.get(m.conceptId)!, m.start, m.end]));
}

function decodeMentions(conceptIds: readonly string[], encoded: string): MentionRecord[] {
  const flat = JSON.parse(encoded) as number[];
  const mentions: MentionRecord[] = [];
  for (let i = 0; i < flat.length; i += 3) mentions.push({ conceptId: conceptIds[flat[i]], start: flat[i + 1], end: flat[i + 2] });
  return mentions;
}

export function decodeSentence(articleId: string, row: SentenceRow): SentenceRecord {
  verified(row, sentenceChecksum, `sentence ${sentenceKey(articleId, row.position)}`);
  const conceptIds = JSON.parse(row.concept_ids) as string[];
  return {
    key: sentenceKey(articleId, row.position),
    articleId,
    position: row.position,
    text: row.text,
    start: row.start,
    end: row.end,
    conceptIds,
    mentions: decodeMentions(conceptIds, row.mentions),
  };
}

export function int32Blob(values: readonly number[]): Buffer {
  const array = Int32Array.from(values);
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

function int32Array(blob: Buffer): number[] {
  // Copied out: a Buffer from SQLite may not be 4-byte aligned.
  const aligned = new Int32Array(blob.byteLength / 4);
  new Uint8Array(aligned.buffer).set(blob);
  return Array.from(aligned);
}

export function decodeTokens(row: TokensRow): SentenceTokens {
  return { fingerprint: row.fingerprint, ids: int32Array(row.ids), offsets: int32Array(row.offsets) };
}
