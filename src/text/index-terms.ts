import { stemmer } from 'stemmer';
import { STOP_WORDS } from './stopwords.js';

/**
 * The terms a sentence is indexed by and a question searches with: NFKC, lower case, runs of letters and digits,
 * stop words dropped, English words Porter-stemmed. Porter rather than Porter2 (Snowball): on the COVID-QA dev
 * questions both give the same BM25 recall (73.5% at 20), and Porter stems 6x faster (0.3 vs 2 µs a word).
 * Changing anything here changes what is stored: bump INDEX_TERMS_VERSION so that ingest re-indexes.
 */
export const INDEX_TERMS_VERSION = 'porter-1';

const WORD = /[\p{L}\p{N}]+/gu;
const ASCII_LETTERS = /^[a-z]+$/;
/** Longer runs (sequences, hashes, URLs without separators) are cut: a term is a Redis key and an index entry. */
const MAX_TERM_LENGTH = 40;

/** Index terms in text order (repeats kept: term frequency and adjacency both matter). */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    if (STOP_WORDS.has(word)) continue;
    const term = ASCII_LETTERS.test(word) ? stemmer(word) : word;
    terms.push(term.length > MAX_TERM_LENGTH ? term.slice(0, MAX_TERM_LENGTH) : term);
  }
  return terms;
}

/** One sentence's terms as one string, as the stores keep them (terms never contain a space). */
export function joinTerms(terms: readonly string[]): string {
  return terms.join(' ');
}

export function splitTerms(joined: string): string[] {
  return joined === '' ? [] : joined.split(' ');
}

/** How many times each term occurs. */
export function termCounts(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
