import { QuestionConcepts } from '../graph/question-concepts.js';
import { ArticlePreparer } from '../ingest/article-preparer.js';
import { IngestAborted, ingestDocuments } from '../ingest/ingest.js';
import { AdmissionQueue, DEFAULT_ADMISSION, type AdmissionOptions } from '../pipeline/admission.js';
import { AnswerService } from '../pipeline/answer-service.js';
import type { QaReader } from '../pipeline/reader.js';
import { RetrievalMemo } from '../pipeline/retrieval-memo.js';
import type { Services } from '../resolvers/request-context.js';
import type { AnswerCache } from '../store/answer-cache.js';
import { instrumentStore } from '../store/instrumented-store.js';
import { MemoryAnswerCache } from '../store/memory-answer-cache.js';
import type { GraphStore } from '../store/store.js';
import { SlidingWindow, type RateLimit } from '../sliding-window.js';
import { startHttpServer, type HttpServerOptions, type RunningServer } from './http-server.js';
import { ServerMetrics } from './metrics.js';

export interface AppOptions {
  store: GraphStore;
  /** The store's own answer cache (see openStore); a fresh in-process one when not given. */
  answerCache?: AnswerCache;
  /** The QA reader; without one, `ask` answers MODEL_UNAVAILABLE. */
  reader?: QaReader;
  /**
   * Prepares the ingest mutation's documents (its vocabularies decide the concepts); without one, a preparer of
   * corpus keyphrases (and the reader's tokens) starts at the first ingest.
   */
  preparer?: ArticlePreparer;
  /** Sentences the reader reads per question. */
  candidates?: number;
  /** The bounded queue asks wait in for the model (DEFAULT_ADMISSION when absent); null: none, every ask runs at once. */
  admission?: AdmissionOptions | null;
  /** Asks that need the model, per client (API key or address); unlimited when absent. */
  clientAsks?: RateLimit;
  /** Prometheus metrics (served at /metrics), store calls counted by method. */
  metrics?: boolean;
}

/** A kgqa server's parts, wired once for the CLI, the tests and the benchmarks. */
export interface App {
  /** What the resolvers use; enough to run GraphQL in-process. */
  services: Services;
  /** Null without a reader. */
  answers: AnswerService | null;
  metrics: ServerMetrics | null;
  /** Serves the app over HTTP (GraphQL, health, metrics, the web page). */
  listen(options: Omit<HttpServerOptions, 'metrics'>): Promise<RunningServer>;
  /** Stops ingests between two documents (each answers which of its documents were saved); later ones are refused. */
  stopIngests(): void;
  /** Settles once no ingest is running or queued. */
  ingestsSettled(): Promise<void>;
  /** Documents sent to this app that are not stored because the store failed or the app stopped, by reason. */
  readonly unsaved: ReadonlyMap<string, number>;
}

export const DEFAULT_CANDIDATES = 20;

export function createApp(options: AppOptions): App {
  const metrics = options.metrics ? new ServerMetrics() : null;
  const answerCache = options.answerCache ?? new MemoryAnswerCache();
  const clientAsks = options.clientAsks && new SlidingWindow(options.clientAsks.limit, options.clientAsks.windowMs);
  const answers = options.reader ? new AnswerService(options.store, options.reader, answerCache, metrics ?? undefined, clientAsks) : null;
  const admissionOptions = options.admission === undefined ? DEFAULT_ADMISSION : options.admission;
  const admission = answers && admissionOptions ? new AdmissionQueue(admissionOptions) : null;
  const store = metrics ? instrumentStore(options.store, metrics.onStoreCall) : options.store;
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs `work` after every write queued before it, whether they succeeded or not. */
  const afterEarlierWrites = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  let preparer: Promise<ArticlePreparer> | undefined = options.preparer && Promise.resolve(options.preparer);
  const stopping = new AbortController();
  const unsaved = new Map<string, number>();
  const services: Services = {
    store,
    questionConcepts: new QuestionConcepts(store),
    retrievals: new RetrievalMemo(),
    qa: answers && { answers, candidates: options.candidates ?? DEFAULT_CANDIDATES, admission },
    // One batch at a time: corpus keyphrases of a batch are computed against what earlier batches stored.
    ingest(documents, onProgress) {
      return afterEarlierWrites(async () => {
        preparer ??= ArticlePreparer.start({ modelDir: options.reader?.model.path });
        try {
          return await ingestDocuments(store, documents, { preparer: await preparer, signal: stopping.signal, onProgress });
        } catch (error) {
          if (error instanceof IngestAborted) unsaved.set(error.reason, (unsaved.get(error.reason) ?? 0) + error.unsaved);
          throw error;
        }
      });
    },
    deleteArticles(ids) {
      return afterEarlierWrites(async () => {
        const deleted = await store.deleteArticles(ids);
        await answerCache.forgetArticles(deleted);
        return deleted;
      });
    },
  };
  if (admission) metrics?.observeQueue(() => admission.queued);
  metrics?.observeCaches({ retrieval: () => services.retrievals.size, answers: () => answerCache.processEntries });
  return {
    services,
    answers,
    metrics,
    listen: (http) => startHttpServer(services, { ...http, metrics: metrics ?? undefined }),
    stopIngests: () => stopping.abort(),
    ingestsSettled: () => queue.then(() => undefined),
    unsaved,
  };
}
