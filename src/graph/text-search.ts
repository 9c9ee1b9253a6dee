import { inverseDocumentFrequency } from '../text/bm25.js';
import { indexTerms } from '../text/index-terms.js';
import type { GraphReads } from './graph-reads.js';

/** A search text or a question as the text index reads it. */
export interface AnalyzedText {
  /** Index terms in text order. */
  sequence: string[];
  /** Distinct terms. */
  terms: string[];
  /** Adjacent term pairs ("spike protein"), matched as phrases. */
  bigrams: Set<string>;
}

export function analyzeText(text: string): AnalyzedText {
  const sequence = indexTerms(text);
  return { sequence, terms: [...new Set(sequence)], bigrams: bigramsOf(sequence) };
}

export function bigramsOf(sequence: readonly string[]): Set<string> {
  const bigrams = new Set<string>();
  for (let i = 1; i < sequence.length; i++) bigrams.add(`${sequence[i - 1]} ${sequence[i]}`);
  return bigrams;
}

export interface TextMatches {
  /** Sentence keys, best first (ties by key), with their scores: the sum over terms of idf × impact. */
  sentences: { key: string; score: number }[];
  /** Each query term's idf in this corpus (terms no sentence holds are absent). */
  idf: Map<string, number>;
  /** Indexed sentences and their mean length in terms. */
  corpus: { sentences: number; meanLength: number };
}

export interface TextMatchOptions {
  /** Postings read per term, best impact first: bounds the cost of a query whatever the corpus size. */
  postingsPerTerm: number;
  /** Sentences returned. */
  limit: number;
}

/**
 * The sentences that best match a text by BM25, from the heads of its terms' posting lists: every sentence
 * among them is scored by the terms whose heads hold it (a sentence deep in a common term's list scores by
 * its rarer terms only, which is where its score mostly comes from anyway).
 */
export async function matchSentences(graph: GraphReads, text: AnalyzedText, options: TextMatchOptions): Promise<TextMatches> {
  const [stats, lists] = await Promise.all([
    graph.textStats(),
    Promise.all(text.terms.map((term) => graph.postings.load({ term, limit: options.postingsPerTerm }))),
  ]);
  const idf = new Map<string, number>();
  const scores = new Map<string, number>();
  text.terms.forEach((term, i) => {
    const { documentFrequency, postings } = lists[i];
    if (documentFrequency === 0) return;
    const weight = inverseDocumentFrequency(documentFrequency, stats.sentences);
    idf.set(term, weight);
    for (const { key, impact } of postings) scores.set(key, (scores.get(key) ?? 0) + weight * impact);
  });
  const sentences = [...scores]
    .map(([key, score]) => ({ key, score }))
    .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1))
    .slice(0, options.limit);
  return { sentences, idf, corpus: { sentences: stats.sentences, meanLength: stats.sentences > 0 ? stats.terms / stats.sentences : 0 } };
}
