import { workerModuleUrl } from '../paths.js';
import type { LexiconEntry, StoreLimits } from '../store/store.js';
import { WorkerClient } from '../worker-rpc.js';
import type { PreparedOutcome } from './batch-preparation.js';
import type { SourceDocument } from './documents.js';

export interface PreparerOptions {
  /** Vocabulary files (`.tsv`, `.tsv.gz`); without any, concepts are keyphrases extracted from the corpus. */
  vocabularies?: readonly string[];
  /** A model folder whose tokenizer pre-tokenizes every sentence for the reader. */
  modelDir?: string;
}

/** One batch, prepared on the thread while the caller writes: see ArticlePreparer.batch. */
export interface PreparerBatch {
  /** Per document: false when the store already holds exactly this content (it is not prepared). */
  changed: boolean[];
  /**
   * Splits the changed documents and builds their lexicon; with corpus concepts, the store's ones are given. A
   * document larger than the store's article limits comes out of `next` as an error, unprepared.
   */
  begin(storedCorpusConcepts: LexiconEntry[] | null, limits: StoreLimits): Promise<void>;
  /** The changed documents' outcomes in order, then null; the next one is prepared while the caller writes this one. */
  next(): Promise<PreparedOutcome | null>;
  /** Frees the batch (always call it); the next batch may start. */
  end(): Promise<void>;
}

/**
 * Prepares ingest batches on a worker thread, so splitting, keyphrases, matching and tokenizing never hold up a
 * request; measured in docs/benchmarks.md (Embedded store). Vocabularies and the tokenizer load once, on the thread.
 */
export class ArticlePreparer {
  private turn: Promise<void> = Promise.resolve();

  private constructor(
    private readonly client: WorkerClient,
    /** Part of every article's content hash (vocabulary or corpus keyphrases). */
    readonly fingerprint: string,
    /** True without a vocabulary: each batch needs the store's corpus concepts. */
    readonly corpusConcepts: boolean,
  ) {}

  /** Loads the vocabularies and the tokenizer; a bad vocabulary file is thrown here, with its reason. */
  static async start(options: PreparerOptions = {}): Promise<ArticlePreparer> {
    const { client, ready } = await WorkerClient.start<{ fingerprint: string; corpusConcepts: boolean }>(
      workerModuleUrl(import.meta.url, './preparer-thread.js'),
      { vocabularies: [...(options.vocabularies ?? [])], modelDir: options.modelDir } satisfies PreparerOptions,
      { name: 'kgqa ingest preparer', failure: (error) => Object.assign(new Error(error.message), { name: error.name }) },
    );
    return new ArticlePreparer(client, ready.fingerprint, ready.corpusConcepts);
  }

  /** Starts a batch once the previous one has ended; `storedHashes` are the store's content hashes of `documents`. */
  async batch(documents: readonly SourceDocument[], storedHashes: readonly (string | null)[]): Promise<PreparerBatch> {
    const previous = this.turn;
    let release!: () => void;
    this.turn = new Promise((resolve) => (release = resolve));
    await previous;
    const { client } = this;
    let ahead: Promise<PreparedOutcome | null> | null = null;
    let finished = false;
    try {
      const changed = await client.call<boolean[]>('classify', [documents, storedHashes]);
      return {
        changed,
        begin: (stored, limits) => client.call('begin', [stored, limits]),
        next: async () => {
          if (finished) return null;
          const outcome = await (ahead ?? client.call<PreparedOutcome | null>('next'));
          finished = outcome === null;
          ahead = finished ? null : client.call<PreparedOutcome | null>('next');
          return outcome;
        },
        end: async () => {
          finished = true;
          await ahead?.catch(() => undefined);
          await client.call('end').finally(release);
        },
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
