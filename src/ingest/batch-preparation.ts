import type { Tokenizer } from '../pipeline/tokenizers/tokenizer.js';
import { articleOverLimits, type LexiconEntry, type PreparedArticle, type StoreLimits } from '../store/store.js';
import { CORPUS_LEXICON_FINGERPRINT, lexiconFromCorpus, type ConceptLexicon } from './concept-lexicon.js';
import type { SourceDocument } from './documents.js';
import { articleContentHash, prepareArticle, splitDocument, type SplitDocument } from './prepare-article.js';

/** One document's preparation: its article, or why it failed (the document is rejected alone). */
export type PreparedOutcome = { prepared: PreparedArticle } | { error: string };

/**
 * The CPU work of an ingest batch, done where it cannot hold up requests (preparer-thread.ts): content hashes,
 * sentence splitting, corpus keyphrases, concept matching, index terms and tokens. One batch at a time.
 */
export class BatchPreparation {
  private documents: SourceDocument[] = [];
  private changed: SourceDocument[] = [];
  /** Each changed document split, or why the store refuses it. */
  private split: (SplitDocument | { refused: string })[] = [];
  private lexicon: ConceptLexicon | null = null;
  private next = 0;

  /** With no vocabulary lexicon, concepts are keyphrases of each batch plus the corpus concepts already stored. */
  constructor(
    private readonly vocabulary: ConceptLexicon | null,
    private readonly tokenizer?: Tokenizer,
  ) {}

  get fingerprint(): string {
    return this.vocabulary?.fingerprint ?? CORPUS_LEXICON_FINGERPRINT;
  }

  /** Starts a batch: which documents differ from what is stored (same hash, same stored article: skipped). */
  classify(documents: SourceDocument[], storedHashes: (string | null)[]): boolean[] {
    this.documents = documents;
    const changed = documents.map((document, i) => storedHashes[i] !== articleContentHash(document, this.fingerprint));
    this.changed = documents.filter((_, i) => changed[i]);
    return changed;
  }

  /**
   * Splits the changed documents and builds the batch's lexicon; `stored` is the store's corpus concepts. A document
   * larger than the store takes is refused here, before any matching or tokenizing, and adds nothing to the lexicon.
   */
  begin(stored: LexiconEntry[] | null, limits: StoreLimits): void {
    this.split = this.changed.map((document) => {
      // Sentences are pieces of the paragraphs: too much text is refused before splitting (a 34 MB document then
      // peaks at 0.38 GB RSS in the CLI, 0.52 GB when split first), too many sentences right after.
      const characters = document.paragraphs.reduce((sum, paragraph) => sum + paragraph.length, 0);
      const tooMuchText = articleOverLimits(limits, { characters });
      if (tooMuchText) return { refused: tooMuchText };
      const split = splitDocument(document);
      const refused = articleOverLimits(limits, { sentences: split.sentences.length, characters });
      return refused ? { refused } : split;
    });
    const kept = this.split.filter((split) => 'sentences' in split);
    this.lexicon = this.vocabulary ?? lexiconFromCorpus(kept.flatMap((s) => s.sentences.map((x) => x.text)), stored ?? []);
    this.next = 0;
  }

  /** The next changed document, prepared; null after the last. */
  prepareNext(): PreparedOutcome | null {
    const document = this.split[this.next++];
    if (!document) return null;
    if ('refused' in document) return { error: document.refused };
    try {
      return { prepared: prepareArticle(document, this.lexicon!, this.tokenizer) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  end(): void {
    this.documents = [];
    this.changed = [];
    this.split = [];
    this.lexicon = null;
  }
}
