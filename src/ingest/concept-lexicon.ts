import { createHash } from 'node:crypto';
import type { ConceptOrigin } from '../domain.js';
import type { LexiconEntry } from '../store/store.js';
import { ConceptMatcher, type ConceptEntry } from '../graph/concept-matcher.js';
import { extractKeyphrases } from './keyphrases.js';
import type { VocabularyTerm } from './vocabulary.js';

/** The concepts one ingest run matches, and the automaton that finds them. */
export interface ConceptLexicon {
  matcher: ConceptMatcher;
  concepts: Map<string, { name: string; origin: ConceptOrigin; forms: string[] }>;
  /** Part of every article's content hash: a different vocabulary re-reads unchanged documents. */
  fingerprint: string;
}

/** Corpus-extracted concepts grow as documents arrive, so they must not force re-reads of unchanged documents. */
export const CORPUS_LEXICON_FINGERPRINT = 'corpus-keyphrases';

export function lexiconFromVocabularies(vocabularies: readonly VocabularyTerm[][]): ConceptLexicon {
  const entries = new Map<string, ConceptEntry>();
  for (const term of vocabularies.flat()) {
    const known = entries.get(term.id);
    const forms = [term.name, ...term.synonyms];
    if (known) known.forms.push(...forms.filter((form) => !known.forms.includes(form)));
    else entries.set(term.id, { id: term.id, name: term.name, forms });
  }
  const fingerprint = createHash('sha256');
  for (const id of [...entries.keys()].sort()) fingerprint.update(`${id}\u0000${entries.get(id)!.forms.join('\u0001')}\n`);
  return buildLexicon([...entries.values()], 'vocabulary', `vocabulary:${fingerprint.digest('hex').slice(0, 16)}`);
}

/** Keyphrases of the new sentences, plus the corpus concepts already stored, so ids and matches stay stable. */
export function lexiconFromCorpus(sentences: Iterable<string>, stored: readonly LexiconEntry[]): ConceptLexicon {
  const entries = new Map<string, ConceptEntry>();
  for (const entry of stored) {
    if (entry.origin === 'corpus') entries.set(entry.id, { id: entry.id, name: entry.name, forms: entry.forms });
  }
  for (const entry of extractKeyphrases(sentences)) if (!entries.has(entry.id)) entries.set(entry.id, entry);
  return buildLexicon([...entries.values()], 'corpus', CORPUS_LEXICON_FINGERPRINT);
}

function buildLexicon(entries: ConceptEntry[], origin: ConceptOrigin, fingerprint: string): ConceptLexicon {
  return {
    matcher: new ConceptMatcher(entries),
    concepts: new Map(
      entries.map((entry) => [
        entry.id,
        { name: entry.name, origin, forms: [...new Set(entry.forms)] },
      ]),
    ),
    fingerprint,
  };
}
