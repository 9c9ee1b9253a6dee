/**
 * Byte-level BPE training as the Hugging Face BpeTrainer does it on a ByteLevel pre-tokenizer: words are
 * GPT-2 split and byte-encoded, then the most frequent adjacent pair (ties: the smaller pair) is merged, again
 * and again. Deterministic: the same texts give the same merges.
 */
import { byteLevelChars, GPT2_SPLIT } from '../../pipeline/tokenizers/byte-level.js';

interface Word {
  symbols: string[];
  count: number;
}

/** Up to `mergeCount` merges learnt from `texts`, in rank order; pairs seen fewer than twice are never merged. */
export function trainByteLevelBpe(texts: Iterable<string>, mergeCount: number): [string, string][] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const match of text.matchAll(GPT2_SPLIT)) {
      const word = byteLevelChars(match[0]);
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const words: Word[] = [...counts.keys()].sort().map((word) => ({ symbols: Array.from(word), count: counts.get(word)! }));
  // A byte-level symbol never holds a space (that byte is "Ġ"), so "a b" names a pair unambiguously.
  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const heap = new PairHeap();
  const addPairs = (index: number, sign: 1 | -1) => {
    const { symbols, count } = words[index];
    for (let i = 0; i + 1 < symbols.length; i++) {
      const pair = `${symbols[i]} ${symbols[i + 1]}`;
      const total = (pairCounts.get(pair) ?? 0) + sign * count;
      pairCounts.set(pair, total);
      if (sign > 0) {
        let where = pairWords.get(pair);
        if (!where) pairWords.set(pair, (where = new Set()));
        where.add(index);
      }
      heap.push(total, pair);
    }
  };
  words.forEach((_, index) => addPairs(index, 1));
  const merges: [string, string][] = [];
  while (merges.length < mergeCount) {
    const best = heap.popCurrent(pairCounts);
    if (!best || best.count < 2) break;
    const [left, right] = best.pair.split(' ');
    const merged = left + right;
    for (const index of [...pairWords.get(best.pair)!].sort((a, b) => a - b)) {
      const { symbols } = words[index];
      addPairs(index, -1);
      const next: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          next.push(merged);
          i++;
        } else {
          next.push(symbols[i]);
        }
      }
      words[index].symbols = next;
      addPairs(index, 1);
    }
    merges.push([left, right]);
  }
  return merges;
}

/** Max-heap of (count, pair), largest count first, then the smaller pair; stale entries are skipped on pop. */
class PairHeap {
  private readonly entries: { count: number; pair: string }[] = [];

  push(count: number, pair: string): void {
    const entries = this.entries;
    entries.push({ count, pair });
    for (let i = entries.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [entries[i], entries[parent]] = [entries[parent], entries[i]];
      i = parent;
    }
  }

  /** The top entry whose count is still the pair's count. */
  popCurrent(counts: ReadonlyMap<string, number>): { count: number; pair: string } | undefined {
    while (this.entries.length > 0) {
      const top = this.pop();
      if (counts.get(top.pair) === top.count) return top;
    }
    return undefined;
  }

  private pop(): { count: number; pair: string } {
    const entries = this.entries;
    const top = entries[0];
    const last = entries.pop()!;
    if (entries.length > 0) {
      entries[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < entries.length && this.before(l, m)) m = l;
        if (r < entries.length && this.before(r, m)) m = r;
        if (m === i) break;
        [entries[i], entries[m]] = [entries[m], entries[i]];
        i = m;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const x = this.entries[a];
    const y = this.entries[b];
    return x.count !== y.count ? x.count > y.count : x.pair < y.pair;
  }
}
