import { createGraphReads, type GraphReads } from '../graph/graph-reads.js';
import type { QuestionConcepts } from '../graph/question-concepts.js';
import type { DocumentResult } from '../ingest/documents.js';
import type { IngestProgress, IngestSummary } from '../ingest/ingest.js';
import type { AdmissionQueue } from '../pipeline/admission.js';
import type { AnswerService } from '../pipeline/answer-service.js';
import type { Answerer } from '../pipeline/ask.js';
import type { RetrievalMemo } from '../pipeline/retrieval-memo.js';
import type { Retrieval } from '../pipeline/retrieve.js';
import type { GraphStore } from '../store/store.js';
import { batchedAnswers } from './loaders.js';

/** What the resolvers need from the app, for as long as it runs: the store and what is derived from the corpus. */
export interface Services {
  store: GraphStore;
  questionConcepts: QuestionConcepts;
  /** Retrievals memoized per corpus version, shared by every request. */
  retrievals: RetrievalMemo<Retrieval>;
  /** The QA pipeline, when the server runs a model; asks go through `admission` when it is set. */
  qa: { answers: AnswerService; candidates: number; admission: AdmissionQueue | null } | null;
  /** Ingests with the server's vocabulary, one batch at a time. */
  ingest(documents: readonly DocumentResult[], onProgress?: (progress: IngestProgress) => void): Promise<IngestSummary>;
  /** Deletes the stored articles among `ids` (after the ingests queued before it) and their cached answers; returns their ids. */
  deleteArticles(ids: readonly string[]): Promise<string[]>;
}

export interface RequestContext {
  services: Services;
  /** The Authorization header, checked for mutations. */
  authorization?: string;
  requestId?: string;
  /** The client's network address (the TCP peer): failed authentications are counted per address. */
  clientAddress?: string;
  /** Who asks, for per-client limits: the API key when the request carries the right one, else the address. */
  client?: string;
  graph: GraphReads;
  /** Every answer of a request (all `ask` fields, all candidates) shares one batch, so one reader call. */
  answers: Answerer | null;
}

export function createRequestContext(
  services: Services,
  request: Pick<RequestContext, 'authorization' | 'requestId' | 'clientAddress' | 'client'> = {},
): RequestContext {
  return {
    ...request,
    services,
    graph: createGraphReads(services.store, services.questionConcepts),
    answers: services.qa && batchedAnswers(services.qa.answers, request.client),
  };
}
