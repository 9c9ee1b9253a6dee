import DataLoader from 'dataloader';
import type { ArticleRecord, ConceptRecord, EdgeKey, EdgeRecord, ScoredSentenceKey, SentenceRecord } from '../domain.js';
import { edgeId } from '../domain.js';
import type { AnswerRequest, AnswerService, ResolvedAnswer } from '../pipeline/answer-service.js';
import type { GraphStore, Page, RankedPage } from '../store/store.js';

/** One set per request, so batching and caching never leak between requests. */
export interface Loaders {
  article: DataLoader<string, ArticleRecord | null>;
  sentence: DataLoader<string, SentenceRecord | null>;
  concept: DataLoader<string, ConceptRecord | null>;
  edge: DataLoader<EdgeKey, EdgeRecord | null, string>;
  edgeSentences: DataLoader<{ edge: EdgeKey; limit: number }, ScoredSentenceKey[], string>;
  conceptEdges: DataLoader<{ conceptId: string; page: Page }, RankedPage<EdgeRecord>, string>;
  articleSentences: DataLoader<{ articleId: string; page: Page }, RankedPage<string>, string>;
  conceptSentences: DataLoader<{ conceptId: string; limit: number }, string[], string>;
  /** Every answer of a request (all `ask` fields, all candidates) shares one batch, so one model run. */
  answer: DataLoader<AnswerRequest, ResolvedAnswer, string> | null;
}

export function createLoaders(store: GraphStore, answers: AnswerService | null): Loaders {
  const pageKey = (id: string, page: Page) => `${id}\u0000${page.offset}\u0000${page.limit}`;
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
    answer:
      answers &&
      new DataLoader((requests) => answers.answer(requests), {
        cacheKeyFn: ({ question, sentenceKey, corpusVersion }) => `${corpusVersion}\u0000${question}\u0000${sentenceKey}`,
      }),
  };
}
