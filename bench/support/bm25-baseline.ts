/**
 * The plain search engine kgqa's retrieval must beat, as the COVID-QA README defines it: BM25 (k1 = 1.2, b = 0.75)
 * over lowercased alphanumeric terms with a short English stop list, no stemming, over whole texts. The list (function
 * words and question words) reproduces the README's figures within a point.
 */

const STOP_WORDS = new Set(
  ('a an and are as at be by for from has have in is it its of on or that the this to was were what which who whom why how ' +
    'when where with does do did can could would should will not no than then these those there their they them we our ' +
    'you your he she his her i me my been being also into such may might').split(' '),
);
const K1 = 1.2;
const B = 0.75;

function terms(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((term) => !STOP_WORDS.has(term));
}

export class Bm25Baseline<T> {
  private readonly postings = new Map<string, { doc: number; frequency: number }[]>();
  private readonly lengths: number[] = [];
  private readonly meanLength: number;

  constructor(private readonly docs: readonly T[], text: (doc: T) => string) {
    docs.forEach((doc, index) => {
      const docTerms = terms(text(doc));
      this.lengths.push(docTerms.length);
      const counts = new Map<string, number>();
      for (const term of docTerms) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const [term, frequency] of counts) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc: index, frequency });
      }
    });
    this.meanLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, docs.length);
  }

  /** The `k` best documents for a query, best first. */
  search(query: string, k: number): T[] {
    const scores = new Map<number, number>();
    for (const term of new Set(terms(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (this.docs.length - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, frequency } of list) {
        const tf = (frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * this.lengths[doc]) / this.meanLength));
        scores.set(doc, (scores.get(doc) ?? 0) + idf * tf);
      }
    }
    return [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k)
      .map(([doc]) => this.docs[doc]);
  }
}
