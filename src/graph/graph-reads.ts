import DataLoader from 'dataloader';
import {
  edgeId,
  type ArticleRecord,
  type ConceptRecord,
  type EdgeKey,
  type EdgeRecord,
  type ScoredSentenceKey,
  type SentenceRecord,
  type StoreStats,
} from '../domain.js';
import type { GraphStore, Page, RankedPage } from '../store/store.js';
import type { TermPostings, TextIndexStats } from '../store/text-index.js';
import type { QuestionConcepts } from './question-concepts.js';

/** One read of the graph by key; DataLoader's `load` is one, so the loads of one tick become one store call. */
export interface Loader<K, V> {
  load(key: K): Promise<V>;
}

/**
 * The graph as search, retrieval and the resolvers read it: batched loaders over the store, the concepts a
 * text names, and the corpus totals. Made per request, so batching and caching never leak between requests.
 */
export interface GraphReads {
  article: Loader<string, ArticleRecord | null>;
  sentence: Loader<string, SentenceRecord | null>;
  concept: Loader<string, ConceptRecord | null>;
  edge: Loader<EdgeKey, EdgeRecord | null>;
  edgeSentences: Loader<{ edge: EdgeKey; limit: number }, ScoredSentenceKey[]>;
  conceptEdges: Loader<{ conceptId: string; page: Page }, RankedPage<EdgeRecord>>;
  articleSentences: Loader<{ articleId: string; page: Page }, RankedPage<string>>;
  conceptSentences: Loader<{ conceptId: string; limit: number }, string[]>;
  postings: Loader<{ term: string; limit: number }, TermPostings>;
  /** Sentences' index terms, read in one call: retrieval asks for all of a question's at once. */
  sentenceTerms(keys: readonly string[]): Promise<(string[] | null)[]>;
  /** Ids of the stored concepts a free text (a search, a question) names. */
  questionConcepts(text: string): Promise<string[]>;
  /** Corpus totals, read at most once. */
  stats(): Promise<StoreStats>;
  /** Text index totals, read at most once. */
  textStats(): Promise<TextIndexStats>;
  /** The corpus version as the store has it now; caches derived from the corpus key on it. */
  corpusVersion(): Promise<string>;
}

export function createGraphReads(store: GraphStore, questionConcepts: QuestionConcepts): GraphReads {
  const pageKey = (id: string, page: Page) => `${id}\u0000${page.offset}\u0000${page.limit}`;
  let stats: Promise<StoreStats> | undefined;
  let textStats: Promise<TextIndexStats> | undefined;
  return {
    article: new DataLoader((ids) => store.getArticles(ids)),
    sentence: new DataLoader((keys) => store.getSentences(keys)),
    concept: new DataLoader((ids) => store.getConcepts(ids)),
    edge: new DataLoader((keys) => store.getEdges(keys), { cacheKeyFn: edgeId }),
    edgeSentences: new DataLoader((requests) => store.edgeSentences(requests), {
      cacheKeyFn: ({ edge, limit }) => `${edgeId(edge)}\u0000${limit}`,
    }),
    conceptEdges: new DataLoader((requests) => store.conceptEdges(requests), {
      cacheKeyFn: ({ conceptId, page }) => pageKey(conceptId, page),
    }),
    articleSentences: new DataLoader((requests) => store.articleSentences(requests), {
      cacheKeyFn: ({ articleId, page }) => pageKey(articleId, page),
    }),
    conceptSentences: new DataLoader((requests) => store.conceptSentences(requests), {
      cacheKeyFn: ({ conceptId, limit }) => `${conceptId}\u0000${limit}`,
    }),
    postings: new DataLoader((requests) => store.postings(requests), { cacheKeyFn: ({ term, limit }) => `${term}\u0000${limit}` }),
    sentenceTerms: (keys) => store.sentenceTerms(keys),
    questionConcepts: (text) => questionConcepts.match(text),
    stats: () => (stats ??= store.stats()),
    textStats: () => (textStats ??= store.textStats()),
    corpusVersion: () => store.corpusVersion(),
  };
}
