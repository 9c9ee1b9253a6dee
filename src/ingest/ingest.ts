import type { StoreStats } from '../domain.js';
import type { Tokenizer } from '../pipeline/tokenizers/tokenizer.js';
import type { GraphStore } from '../store/store.js';
import {
  CORPUS_LEXICON_FINGERPRINT,
  lexiconFromCorpus,
  type ConceptLexicon,
} from './concept-lexicon.js';
import type { DocumentResult, RejectedDocument, SourceDocument } from './documents.js';
import { articleContentHash, prepareArticle, splitDocument } from './prepare-article.js';

export interface IngestProgress {
  done: number;
  total: number;
}

export interface IngestOptions {
  /** A vocabulary lexicon; without one, concepts are extracted from the corpus itself. */
  lexicon?: ConceptLexicon;
  /** Pre-tokenizes every sentence for this model's reader. */
  tokenizer?: Tokenizer;
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestSummary {
  accepted: { id: string; origin: string; outcome: 'created' | 'replaced' | 'unchanged'; sentences: number }[];
  rejected: RejectedDocument[];
  stats: StoreStats;
  seconds: number;
}

/**
 * Ingests a batch: every good document is written atomically on its own; a bad one is reported and skipped.
 * Unchanged documents (same content, same vocabulary) are not even split, so re-ingest changes no count.
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

  const fingerprint = options.lexicon?.fingerprint ?? CORPUS_LEXICON_FINGERPRINT;
  const storedHashes = await store.articleHashes(documents.map((d) => d.id));
  const accepted: IngestSummary['accepted'] = [];
  const changed: SourceDocument[] = [];
  documents.forEach((document, index) => {
    if (storedHashes[index] === articleContentHash(document, fingerprint)) {
      accepted.push({ id: document.id, origin: document.origin, outcome: 'unchanged', sentences: 0 });
    } else {
      changed.push(document);
    }
  });

  const split = changed.map(splitDocument);
  const lexicon =
    options.lexicon ?? lexiconFromCorpus(split.flatMap((s) => s.sentences.map((x) => x.text)), await store.lexicon());

  let done = accepted.length;
  options.onProgress?.({ done, total: documents.length });
  for (const document of split) {
    try {
      const prepared = prepareArticle(document, lexicon, options.tokenizer);
      const outcome = await store.writeArticle(prepared);
      accepted.push({ id: document.document.id, origin: document.document.origin, outcome, sentences: prepared.sentences.length });
    } catch (error) {
      rejected.push({ origin: document.document.origin, id: document.document.id, reason: (error as Error).message });
    }
    options.onProgress?.({ done: ++done, total: documents.length });
  }
  await store.flush();
  return { accepted, rejected, stats: await store.stats(), seconds: (performance.now() - started) / 1000 };
}
