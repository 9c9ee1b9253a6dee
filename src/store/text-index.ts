/** One sentence in a term's posting list. */
export interface Posting {
  /** Sentence key. */
  key: string;
  /** See postingImpact: postings are read best first, so a query reads a bounded head of each list. */
  impact: number;
}

export interface TermPostings {
  /** Sentences containing the term, in the whole corpus. */
  documentFrequency: number;
  /** The head of the list: highest impact first, ties by sentence key. */
  postings: Posting[];
}

export interface TextIndexStats {
  /** Indexed sentences. */
  sentences: number;
  /** Term occurrences over every indexed sentence (their total length). */
  terms: number;
}

/**
 * The text index every store keeps beside the graph, written with each article in the same atomic write
 * (PreparedArticle.terms) and removed with it. Reads are bounded whatever the corpus size: a query reads the
 * head of each of its terms' posting lists, and the terms of the sentences it then scores.
 */
export interface TextIndex {
  postings(requests: readonly { term: string; limit: number }[]): Promise<TermPostings[]>;
  /** Each sentence's index terms in text order (null for a sentence that does not exist). */
  sentenceTerms(keys: readonly string[]): Promise<(string[] | null)[]>;
  textStats(): Promise<TextIndexStats>;
}
