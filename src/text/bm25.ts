/**
 * BM25 as kgqa scores passages. k1 = 0.9, b = 0.4 (Anserini's defaults): on the COVID-QA dev questions they beat
 * the textbook 1.2 / 0.75 over sentences (75.5% vs 73.5% recall at 20) and tie over windows of sentences.
 */
export const K1 = 0.9;
export const B = 0.4;
/**
 * The length a posting's impact is normalized against. Impacts are stored at ingest, when the corpus average is
 * not known yet, so they use this fixed typical sentence length (index terms; COVID-QA's mean is 12.6); it only
 * orders postings, since passages are re-scored with their real lengths.
 */
export const REFERENCE_SENTENCE_TERMS = 12;

/** The term-frequency part of BM25 for one term in a text of `length` terms against `averageLength`. */
export function saturatedFrequency(frequency: number, length: number, averageLength: number): number {
  return (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * length) / averageLength));
}

/** Robertson-Spärck Jones idf with Lucene's +1, so that a term in most texts still counts a little. */
export function inverseDocumentFrequency(documentFrequency: number, documents: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * A posting's impact: what the term contributes to its sentence's score before idf. Rounded to 6 digits so that
 * every store orders postings alike, whatever its number format.
 */
export function postingImpact(frequency: number, sentenceLength: number): number {
  return Math.round(saturatedFrequency(frequency, sentenceLength, REFERENCE_SENTENCE_TERMS) * 1e6) / 1e6;
}
