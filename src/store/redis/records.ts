import { sentenceKey, type ArticleRecord, type SentenceRecord, type SentenceTokens } from '../../domain.js';
import type { RedisReply } from './connection.js';

/*
 * How records are stored as Redis values. Sentences are compact JSON arrays without what their hash field
 * and key already say (article, position), and mentions name their concept by index into `conceptIds`:
 * sentences are most of the memory.
 */

type StoredSentence = [text: string, start: number, end: number, conceptIds: string[], mentions: number[]];
type StoredTokens = [fingerprint: string, ids: number[], offsets: number[]];

export function encodeSentence({ text, start, end, conceptIds, mentions }: SentenceRecord): string {
  const index = new Map(conceptIds.map((id, i) => [id, i]));
  const stored: StoredSentence = [text, start, end, conceptIds, mentions.flatMap((m) => [index.get(m.conceptId)!, m.start, m.end])];
  return JSON.stringify(stored);
}

export function decodeSentence(articleId: string, position: number, value: string): SentenceRecord {
  const [text, start, end, conceptIds, flat] = JSON.parse(value) as StoredSentence;
  const mentions: SentenceRecord['mentions'] = [];
  for (let i = 0; i < flat.length; i += 3) mentions.push({ conceptId: conceptIds[flat[i]], start: flat[i + 1], end: flat[i + 2] });
  return { key: sentenceKey(articleId, position), articleId, position, text, start, end, conceptIds, mentions };
}

export function encodeTokens({ fingerprint, ids, offsets }: SentenceTokens): string {
  const stored: StoredTokens = [fingerprint, ids, offsets];
  return JSON.stringify(stored);
}

export function decodeTokens(value: string): SentenceTokens {
  const [fingerprint, ids, offsets] = JSON.parse(value) as StoredTokens;
  return { fingerprint, ids, offsets };
}

/** Article hash fields, in the order COMMIT_ARTICLE takes them. */
export function articleFields({ title, year, sentenceCount, contentHash }: ArticleRecord): string[] {
  return [title, year === null ? '' : String(year), String(sentenceCount), contentHash];
}

export function decodeArticle(id: string, reply: RedisReply): ArticleRecord | null {
  const fields = hashFields(reply);
  if (fields.contentHash === undefined) return null;
  return {
    id,
    title: fields.title,
    year: fields.year === '' ? null : Number(fields.year),
    sentenceCount: Number(fields.sentenceCount),
    contentHash: fields.contentHash,
  };
}

/** HGETALL's flat [field, value, …] reply as an object. */
export function hashFields(reply: RedisReply): Record<string, string> {
  const flat = reply as string[];
  const fields: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

/** A WITHSCORES reply as (member, score) pairs. */
export function scoredMembers(reply: RedisReply): [string, number][] {
  const flat = reply as string[];
  const pairs: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], Number(flat[i + 1])]);
  return pairs;
}
