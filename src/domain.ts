/** Records shared by ingestion, the stores and the resolvers. */

export interface ArticleRecord {
  id: string;
  title: string;
  year: number | null;
  sentenceCount: number;
  /** Hash of the article's text and the concept lexicon that read it; equal hash means re-ingest is a no-op. */
  contentHash: string;
}

export interface MentionRecord {
  conceptId: string;
  /** Character offsets within the sentence text. */
  start: number;
  end: number;
}

export interface SentenceRecord {
  /** `${articleId}#${position}`: one article's sentences share its id, which Redis uses as the hashtag. */
  key: string;
  articleId: string;
  position: number;
  text: string;
  /** Character offsets of the sentence within the article body it was split from. */
  start: number;
  end: number;
  /** Distinct concept ids, in order of first mention. */
  conceptIds: string[];
  mentions: MentionRecord[];
}

export type ConceptOrigin = 'vocabulary' | 'corpus';

export interface ConceptRecord {
  id: string;
  name: string;
  /** Number of sentences that mention the concept. */
  rank: number;
  origin: ConceptOrigin;
  /** Every form the concept is known by (name, synonyms), used to match it in questions. */
  surfaceForms: string[];
}

/** Edges are undirected; `source < target` (by code unit order) is the canonical form. */
export interface EdgeKey {
  source: string;
  target: string;
}

export interface EdgeRecord extends EdgeKey {
  /** Number of sentences that mention both concepts. */
  rank: number;
  years: number[];
}

/** A sentence's token ids and their character offsets, tagged with the tokenizer that made them. */
export interface SentenceTokens {
  fingerprint: string;
  ids: number[];
  /** Flat [start, end) pairs into the sentence text, one pair per token. */
  offsets: number[];
}

export interface ScoredSentenceKey {
  key: string;
  score: number;
}

export interface StoreStats {
  articles: number;
  sentences: number;
  concepts: number;
  edges: number;
}

export function canonicalEdge(a: string, b: string): EdgeKey {
  return a < b ? { source: a, target: b } : { source: b, target: a };
}

export function edgeId(edge: EdgeKey): string {
  return `${edge.source}\u0000${edge.target}`;
}

export function sentenceKey(articleId: string, position: number): string {
  return `${articleId}#${position}`;
}

/** The inverse of `sentenceKey`: article ids may contain "#", positions never do. */
export function parseSentenceKey(key: string): { articleId: string; position: number } | null {
  const hash = key.lastIndexOf('#');
  const position = Number(key.slice(hash + 1));
  if (hash < 0 || !Number.isInteger(position) || position < 0 || sentenceKey(key.slice(0, hash), position) !== key) return null;
  return { articleId: key.slice(0, hash), position };
}
