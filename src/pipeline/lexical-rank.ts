import type { ConceptRecord, EdgeKey, SentenceRecord } from '../domain.js';

const CONCEPT_BONUS = 1.5;
const EDGE_SCORE_WEIGHT = 0.1;
const WORD = /[\p{L}\p{N}]+/gu;

/** How a pooled sentence was reached: through an edge (with the sentence's proximity score on it) or a concept alone. */
export interface PoolLink {
  edge: EdgeKey | null;
  edgeScore: number;
}

export interface RankedSentence {
  sentence: SentenceRecord;
  edge: EdgeKey | null;
  score: number;
}

/** Lowercase word stems: enough to let "proteinases" meet "proteinase" without a stemmer's surprises. */
export function terms(text: string): string[] {
  return [...text.toLowerCase().matchAll(WORD)].map(([word]) => (word.length > 4 && word.endsWith('s') ? word.slice(0, -1) : word));
}

/**
 * Ranks a pool of sentences against the question: idf-weighted overlap of terms (idf over the pool), a bonus per
 * question concept the sentence mentions, and a little of the edge's proximity score. Best first, ties by key.
 */
export function rankLexically(
  question: string,
  concepts: readonly ConceptRecord[],
  sentences: readonly SentenceRecord[],
  links: ReadonlyMap<string, PoolLink>,
): RankedSentence[] {
  const questionTerms = [...new Set(terms(question))];
  const sentenceTerms = sentences.map((s) => new Set(terms(s.text)));
  const documentFrequency = new Map(questionTerms.map((t) => [t, sentenceTerms.filter((set) => set.has(t)).length]));
  const idf = (t: string) => Math.log((sentences.length + 1) / (documentFrequency.get(t)! + 0.5));
  const conceptIds = new Set(concepts.map((c) => c.id));
  return sentences
    .map((sentence, i) => {
      const overlap = questionTerms.reduce((sum, t) => sum + (sentenceTerms[i].has(t) ? Math.max(0, idf(t)) : 0), 0);
      const conceptHits = sentence.conceptIds.filter((id) => conceptIds.has(id)).length;
      const link = links.get(sentence.key)!;
      return { sentence, edge: link.edge, score: overlap + CONCEPT_BONUS * conceptHits + EDGE_SCORE_WEIGHT * link.edgeScore };
    })
    .sort((a, b) => b.score - a.score || (a.sentence.key < b.sentence.key ? -1 : 1));
}
