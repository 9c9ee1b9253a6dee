import type { StoreStats } from '../domain.js';
import { StoreError, type StoreErrorCode } from '../store/store-error.js';
import type { GraphStore, PreparedArticle } from '../store/store.js';
import { ArticlePreparer, type PreparerOptions } from './article-preparer.js';
import type { DocumentResult, RejectedDocument, SourceDocument } from './documents.js';

/** Writes sent to the store before the first is answered; measured in docs/benchmarks.md (Embedded store). */
const WRITES_IN_FLIGHT = 32;

export interface IngestProgress {
  done: number;
  total: number;
}

export interface IngestOptions extends PreparerOptions {
  /** A running preparer (the server keeps one); without it, one is started for this call from the options. */
  preparer?: ArticlePreparer;
  onProgress?: (progress: IngestProgress) => void;
  /** Stops the batch between two documents (the server is shutting down). */
  signal?: AbortSignal;
}

export interface IngestSummary {
  accepted: { id: string; origin: string; outcome: 'created' | 'replaced' | 'unchanged'; sentences: number }[];
  rejected: RejectedDocument[];
  stats: StoreStats;
  seconds: number;
}

/**
 * A batch that stopped before its end, because the store failed (read-only, full, busy, damaged) or the server is
 * stopping. Every document it reports saved is durable; nothing of the others was written, so re-sending the whole
 * batch is safe (the saved ones come back unchanged).
 */
export class IngestAborted extends Error {
  constructor(
    /** STORE_CLOSED when the server is stopping. */
    readonly code: StoreErrorCode,
    /** What stopped it, without the counts. */
    readonly reason: string,
    /** Documents of the batch stored before it stopped, unchanged ones included. */
    readonly saved: number,
    readonly total: number,
  ) {
    super(`${reason}; ${saved} of ${total} documents were saved before it stopped (re-sending them all is safe)`);
    this.name = 'IngestAborted';
  }

  /** Documents of the batch that are not in the store. */
  get unsaved(): number {
    return this.total - this.saved;
  }
}

/**
 * Ingests a batch: every good document is written atomically on its own; a bad one is reported and skipped.
 * Unchanged documents (same content, same vocabulary) are not even split, so re-ingest changes no count. The CPU
 * work runs on the preparer's thread and each write on the store's, so the caller's event loop stays free.
 */
export async function ingestDocuments(
  store: GraphStore,
  results: readonly DocumentResult[],
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const started = performance.now();
  const rejected: RejectedDocument[] = [];
  const documents: SourceDocument[] = [];
  const seenIds = new Set<string>();
  for (const result of results) {
    if ('rejected' in result) rejected.push(result.rejected);
    else if (seenIds.has(result.document.id)) {
      rejected.push({ origin: result.document.origin, id: result.document.id, reason: 'duplicate id in this batch' });
    } else {
      seenIds.add(result.document.id);
      documents.push(result.document);
    }
  }

  const accepted: IngestSummary['accepted'] = [];
  const preparer = options.preparer ?? (await ArticlePreparer.start(options));
  try {
    const batch = await preparer.batch(documents, await store.articleHashes(documents.map((d) => d.id)));
    try {
      const changed = documents.filter((document, i) => {
        if (!batch.changed[i]) accepted.push({ id: document.id, origin: document.origin, outcome: 'unchanged', sentences: 0 });
        return batch.changed[i];
      });
      const limits = { kind: store.kind, articleLimits: store.articleLimits };
      await batch.begin(preparer.corpusConcepts ? (await store.lexicon()).filter((entry) => entry.origin === 'corpus') : null, limits);
      let done = accepted.length;
      options.onProgress?.({ done, total: documents.length });
      // Writes are pipelined: the embedded store commits the writes waiting for its writer together (one commit
      // rewrites a page that several documents changed once), and Redis overlaps their round trips.
      const written: (IngestSummary['accepted'][number] | undefined)[] = [];
      const inFlight = new Set<Promise<void>>();
      let failure: StoreError | null = null;
      for (const [index, document] of changed.entries()) {
        if (options.signal?.aborted) failure ??= new StoreError('STORE_CLOSED', 'the server is shutting down: nothing more was written');
        if (failure) break;
        const outcome = (await batch.next())!;
        const write = ('error' in outcome ? Promise.reject(new Error(outcome.error)) : store.writeArticle(outcome.prepared)).then(
          (result) => void (written[index] = { id: document.id, origin: document.origin, outcome: result, sentences: (outcome as { prepared: PreparedArticle }).prepared.sentences.length }),
          (error: Error) => {
            // The store failing stops the batch; anything else is this document's own problem.
            if (error instanceof StoreError) failure ??= error;
            else rejected.push({ origin: document.origin, id: document.id, reason: error.message });
          },
        );
        const tracked = write.finally(() => {
          inFlight.delete(tracked);
          options.onProgress?.({ done: ++done, total: documents.length });
        });
        inFlight.add(tracked);
        if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      for (const entry of written) if (entry) accepted.push(entry);
      if (failure) throw failure;
    } finally {
      await batch.end();
    }
    await store.flush();
    return { accepted, rejected, stats: await store.stats(), seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    // What the batch wrote before it stopped is reported saved: make it durable first (a full disk still syncs).
    await store.flush().catch(() => undefined);
    throw new IngestAborted(error.code, error.message, accepted.length, documents.length);
  } finally {
    if (!options.preparer) await preparer.close();
  }
}
