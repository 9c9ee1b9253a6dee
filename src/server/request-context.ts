import type { StoreStats } from '../domain.js';
import type { QuestionConcepts } from '../graph/question-concepts.js';
import type { DocumentResult } from '../ingest/documents.js';
import type { AnswerService } from '../pipeline/answer-service.js';
import type { IngestSummary } from '../ingest/ingest.js';
import { createLoaders, type Loaders } from '../resolvers/loaders.js';
import type { GraphStore } from '../store/store.js';

/** What lives as long as the server: the store and what is derived from the corpus. */
export interface Services {
  store: GraphStore;
  questionConcepts: QuestionConcepts;
  /** The QA pipeline, when the server runs a model. */
  qa: { answers: AnswerService; candidates: number } | null;
  /** Ingests with the server's vocabulary, one batch at a time. */
  ingest(documents: readonly DocumentResult[]): Promise<IngestSummary>;
}

export interface RequestContext {
  services: Services;
  /** The Authorization header, checked for mutations. */
  authorization?: string;
  requestId?: string;
  loaders: Loaders;
  /** Corpus totals, read at most once per request. */
  stats(): Promise<StoreStats>;
}

export function createRequestContext(
  services: Services,
  request: Pick<RequestContext, 'authorization' | 'requestId'> = {},
): RequestContext {
  let stats: Promise<StoreStats> | undefined;
  return {
    ...request,
    services,
    loaders: createLoaders(services.store, services.qa?.answers ?? null),
    stats: () => (stats ??= services.store.stats()),
  };
}
