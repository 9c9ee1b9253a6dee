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

/**
 * A window of adjacent sentences of one article (positions first..last), which the QA model reads as one text:
 * the sentence texts joined by PASSAGE_SEPARATOR, so that an answer may cross a sentence boundary.
 */
export interface PassageRecord {
  /** `${articleId}#${first}-${last}`. */
  key: string;
  articleId: string;
  sentences: SentenceRecord[];
  text: string;
}

export const PASSAGE_SEPARATOR = ' ';

export function passageKey(articleId: string, first: number, last: number): string {
  return `${articleId}#${first}-${last}`;
}

/** The inverse of `passageKey`. */
export function parsePassageKey(key: string): { articleId: string; first: number; last: number } | null {
  const match = /#(\d+)-(\d+)$/.exec(key);
  if (!match) return null;
  const [first, last] = [Number(match[1]), Number(match[2])];
  const articleId = key.slice(0, match.index);
  return first <= last && passageKey(articleId, first, last) === key ? { articleId, first, last } : null;
}

/** Adjacent sentences of one article, in order, as a passage. */
export function passageOf(sentences: readonly SentenceRecord[]): PassageRecord {
  const first = sentences[0];
  const last = sentences[sentences.length - 1];
  return {
    key: passageKey(first.articleId, first.position, last.position),
    articleId: first.articleId,
    sentences: [...sentences],
    text: sentences.map((s) => s.text).join(PASSAGE_SEPARATOR),
  };
}

/** Where each of the passage's sentences starts in its text. */
export function sentenceStarts(passage: Pick<PassageRecord, 'sentences'>): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const sentence of passage.sentences) {
    starts.push(offset);
    offset += sentence.text.length + PASSAGE_SEPARATOR.length;
  }
  return starts;
}

/** A stretch of a passage's text mapped into each sentence it touches: offsets into that sentence's text. */
export function sentenceSpans(passage: PassageRecord, start: number, end: number): { sentence: SentenceRecord; start: number; end: number }[] {
  const starts = sentenceStarts(passage);
  return passage.sentences.flatMap((sentence, i) => {
    const from = Math.max(start, starts[i]);
    const to = Math.min(end, starts[i] + sentence.text.length);
    return from < to ? [{ sentence, start: from - starts[i], end: to - starts[i] }] : [];
  });
}
