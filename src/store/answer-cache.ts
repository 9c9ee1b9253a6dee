/** How long an answer is kept unless configured (`--answer-cache-ttl`). */
export const DEFAULT_ANSWER_TTL_MS = 24 * 3600_000;

/** The reader's best span in one passage for one question: character offsets into the passage text. */
export interface CachedSpan {
  start: number;
  end: number;
  score: number;
  /** The passage's no-answer score (see ReadSpan): whether the span answers is decided per request, by the threshold. */
  nullScore: number;
}

/**
 * `scope` names the question and the model; the passage key places the entry beside its article, and the digest of
 * the passage's text makes an entry of a passage whose text changed unreachable. An answer depends on nothing else,
 * so ingesting other documents invalidates nothing.
 */
export interface AnswerCacheKey {
  scope: string;
  passageKey: string;
  textDigest: string;
}

/**
 * Answers already read, by (scope, passage). `openStore` pairs every store with the cache that suits it: the
 * embedded store with one in this process, Redis with one shared by every process of the corpus.
 */
export interface AnswerCache {
  getMany(keys: readonly AnswerCacheKey[]): Promise<(CachedSpan | null)[]>;
  setMany(entries: readonly (readonly [AnswerCacheKey, CachedSpan])[]): Promise<void>;
  clear(): Promise<void>;
  /** Drops every answer read in these articles' passages (deleted articles: as if they had never been read). */
  forgetArticles(articleIds: readonly string[]): Promise<void>;
  /** Entries held in this process's memory (for metrics); null when they live elsewhere. */
  readonly processEntries: number | null;
}
