import { sentenceKey, type ArticleRecord, type MentionRecord, type SentenceRecord, type SentenceTokens } from '../../domain.js';

/** How records are stored in the embedded store's rows (schema.ts). */

export interface ArticleRow {
  id: number;
  article_id: string;
  title: string;
  year: number | null;
  sentence_count: number;
  content_hash: string;
}

export interface SentenceRow {
  position: number;
  text: string;
  start: number;
  end: number;
  concept_ids: string;
  mentions: string;
  terms: string;
}

export interface TokensRow {
  fingerprint: string;
  ids: Buffer;
  offsets: Buffer;
}

export function decodeArticle(row: ArticleRow): ArticleRecord {
  return { id: row.article_id, title: row.title, year: row.year, sentenceCount: row.sentence_count, contentHash: row.content_hash };
}

export function encodeMentions({ conceptIds, mentions }: Pick<SentenceRecord, 'conceptIds' | 'mentions'>): string {
  const index = new Map(conceptIds.map((id, i) => [id, i]));
  return JSON.stringify(mentions.flatMap((m) => [index.get(m.conceptId)!, m.start, m.end]));
}

export function decodeMentions(conceptIds: readonly string[], encoded: string): MentionRecord[] {
  const flat = JSON.parse(encoded) as number[];
  const mentions: MentionRecord[] = [];
  for (let i = 0; i < flat.length; i += 3) mentions.push({ conceptId: conceptIds[flat[i]], start: flat[i + 1], end: flat[i + 2] });
  return mentions;
}

export function decodeSentence(articleId: string, row: SentenceRow): SentenceRecord {
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
