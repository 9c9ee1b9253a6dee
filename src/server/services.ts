import { QuestionConcepts } from '../graph/question-concepts.js';
import type { ConceptLexicon } from '../ingest/concept-lexicon.js';
import type { DocumentResult } from '../ingest/documents.js';
import { ingestDocuments, type IngestSummary } from '../ingest/ingest.js';
import type { AnswerService } from '../pipeline/answer-service.js';
import { instrumentStore } from '../store/instrumented-store.js';
import type { GraphStore } from '../store/store.js';
import { RetrievalMemo } from '../pipeline/retrieval-memo.js';
import type { Services } from '../resolvers/request-context.js';

export interface ServiceOptions {
  /** The vocabulary the ingest mutation matches with; without one, concepts come from the corpus. */
  lexicon?: ConceptLexicon;
  answers?: AnswerService;
  /** Sentences the reader reads per question. */
  candidates?: number;
  /** Told of every store call, e.g. to count round trips in metrics. */
  onStoreCall?: (method: string) => void;
}

export const DEFAULT_CANDIDATES = 20;

export function createServices(rawStore: GraphStore, options: ServiceOptions = {}): Services {
  const store = options.onStoreCall ? instrumentStore(rawStore, options.onStoreCall) : rawStore;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    store,
    questionConcepts: new QuestionConcepts(store),
    retrievals: new RetrievalMemo(),
    qa: options.answers ? { answers: options.answers, candidates: options.candidates ?? DEFAULT_CANDIDATES } : null,
    // One batch at a time: corpus keyphrases of a batch are computed against what earlier batches stored.
    ingest(documents: readonly DocumentResult[]): Promise<IngestSummary> {
      const run = queue.then(() => ingestDocuments(store, documents, { lexicon: options.lexicon, tokenizer: options.answers?.reader.tokenizer }));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
