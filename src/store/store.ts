import type {
  ArticleRecord,
  ConceptOrigin,
  ConceptRecord,
  EdgeKey,
  EdgeRecord,
  ScoredSentenceKey,
  SentenceRecord,
  SentenceTokens,
  StoreStats,
} from '../domain.js';
import type { TextIndex } from './text-index.js';

/** Everything one document contributes to the graph; written all-or-nothing. */
export interface PreparedArticle {
  article: ArticleRecord;
  sentences: SentenceRecord[];
  /** Name and origin of every concept the sentences mention. */
  concepts: Map<string, { name: string; origin: ConceptOrigin; surfaceForms: string[] }>;
  /** Pre-tokenized sentences by key, when ingest had a model's tokenizer. */
  tokens?: Map<string, SentenceTokens>;
  /** Each sentence's index terms (indexTerms), in the order of `sentences`: what the text index holds. */
  terms: string[][];
}

export type WriteOutcome = 'created' | 'replaced' | 'unchanged';

export interface Page {
  offset: number;
  limit: number;
}

export interface RankedPage<T> {
  total: number;
  items: T[];
}

/** A concept as the question matcher needs it: its id and every form it is known by. */
export interface LexiconEntry {
  id: string;
  name: string;
  origin: ConceptOrigin;
  forms: string[];
}

/**
 * The storage contract shared by the embedded store and Redis.
 * Reads take many keys at once so that DataLoader batches become one call (one round trip per shard on Redis).
 */
export interface GraphStore extends TextIndex {
  readonly kind: string;
  /**
   * How large one article may be, or null for no limit. Ingest refuses a larger document before preparing it, and
   * writeArticle refuses it too (the reason is articleOverLimits'), writing nothing.
   */
  readonly articleLimits: ArticleLimits | null;

  getArticles(ids: readonly string[]): Promise<(ArticleRecord | null)[]>;
  getSentences(keys: readonly string[]): Promise<(SentenceRecord | null)[]>;
  getConcepts(ids: readonly string[]): Promise<(ConceptRecord | null)[]>;
  getEdges(keys: readonly EdgeKey[]): Promise<(EdgeRecord | null)[]>;

  /** Each edge's sentences, best score first (ties by key). */
  edgeSentences(requests: readonly { edge: EdgeKey; limit: number }[]): Promise<ScoredSentenceKey[][]>;
  /** Each concept's edges, highest rank first (ties by the other concept's id). */
  conceptEdges(requests: readonly { conceptId: string; page: Page }[]): Promise<RankedPage<EdgeRecord>[]>;
  /** Each concept's sentence keys (in key order), up to `limit`: the fallback when edges miss a sentence. */
  conceptSentences(requests: readonly { conceptId: string; limit: number }[]): Promise<string[][]>;
  /** Each article's sentence keys in document order. */
  articleSentences(requests: readonly { articleId: string; page: Page }[]): Promise<RankedPage<string>[]>;

  getSentenceTokens(keys: readonly string[]): Promise<(SentenceTokens | null)[]>;
  /** Re-tokenized sentences (another model's tokenizer); keys of sentences that no longer exist are ignored. */
  putSentenceTokens(entries: readonly (readonly [string, SentenceTokens])[]): Promise<void>;

  /** Concepts with rank > 0, for matching concepts in questions; read afresh (QuestionConcepts keeps it per corpus version). */
  lexicon(): Promise<LexiconEntry[]>;
  /** Changes whenever the corpus changes; caches derived from the corpus key on it. */
  corpusVersion(): Promise<string>;
  /** Changes whenever the lexicon does (a concept appears, goes, or gains a form): the question matcher keys on it. */
  lexiconVersion(): Promise<string>;
  stats(): Promise<StoreStats>;

  /** Atomic and idempotent: the article's previous version, if any, is replaced as a whole; read as soon as it returns. */
  writeArticle(prepared: PreparedArticle): Promise<WriteOutcome>;
  /**
   * Removes each stored article among `ids` as a whole, atomically per article: every read then answers exactly as if
   * it had never been written, except that a concept keeps the surface forms it was given (as replacing does).
   * Returns the ids it removed; unknown ids are skipped. Bumps the corpus version, and the lexicon version when a
   * concept goes.
   */
  deleteArticles(ids: readonly string[]): Promise<string[]>;
  /** Removes the whole corpus (on Redis, the namespace); the versions move on, so no cache keyed on them matches. */
  drop(): Promise<void>;
  /** Content hashes of stored articles, so ingest can skip unchanged documents without preparing them. */
  articleHashes(ids: readonly string[]): Promise<(string | null)[]>;

  /** Makes every write returned so far durable (the embedded store fsyncs its log once per batch); acknowledge after it. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** How large one article may be. */
export interface ArticleLimits {
  sentences: number;
  /** Of its sentences' text; ingest counts its paragraphs' (which hold the sentences), so it refuses first. */
  characters: number;
}

/** What articleOverLimits needs of a store; plain data, so it crosses to the preparer thread. */
export type StoreLimits = Pick<GraphStore, 'kind' | 'articleLimits'>;

/**
 * Why the store refuses an article of this size (one line, for the rejection report), or null if it fits; without a
 * sentence count, only the text is checked.
 */
export function articleOverLimits({ kind, articleLimits }: StoreLimits, size: { sentences?: number; characters: number }): string | null {
  if (!articleLimits) return null;
  const over = (value: number | undefined, limit: number, unit: string) =>
    value !== undefined && value > limit
      ? `${value.toLocaleString('en')} ${unit}, more than the ${limit.toLocaleString('en')} a document may have on the ${kind} store`
      : null;
  return over(size.sentences, articleLimits.sentences, 'sentences') ?? over(size.characters, articleLimits.characters, 'characters of text');
}
