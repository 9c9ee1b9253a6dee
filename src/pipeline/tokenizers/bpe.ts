/**
 * Byte-pair encoding of one pre-token, as transformers.js's BPE model does it: the pair of lowest merge rank
 * (leftmost on ties) is merged until none is left; a piece missing from the vocabulary becomes its UTF-8 bytes
 * (<0xXX>, with byte_fallback), else the unknown token, else nothing.
 */

export interface BpeOptions {
  /** Token -> id, added tokens included (transformers.js looks pieces up there too). */
  vocab: ReadonlyMap<string, number>;
  merges: readonly (readonly [string, string])[];
  /** null: pieces missing from the vocabulary are dropped. */
  unkId: number | null;
  byteFallback: boolean;
  ignoreMerges: boolean;
  continuingSubwordSuffix: string | null;
  endOfWordSuffix: string | null;
}

/** One pre-token's pieces: id, then [start, end) in UTF-16 units of the pre-token, per piece. */
type Pieces = readonly number[];

const MAX_CACHED_WORDS = 50_000;
const encoder = new TextEncoder();

export class BpeModel {
  private readonly ranks = new Map<string, Map<string, number>>();
  private readonly cache = new Map<string, Pieces>();

  constructor(private readonly options: BpeOptions) {
    options.merges.forEach(([left, right], rank) => {
      let byRight = this.ranks.get(left);
      if (!byRight) this.ranks.set(left, (byRight = new Map()));
      // A merge listed twice keeps its last rank, as transformers.js's Map of ranks does.
      byRight.set(right, rank);
    });
  }

  /** Appends (id, start, end) triples for `word`, offsets in its UTF-16 units. */
  encode(word: string, out: number[]): void {
    let pieces = this.cache.get(word);
    if (pieces === undefined) {
      pieces = this.encodeUncached(word);
      if (this.cache.size >= MAX_CACHED_WORDS) this.cache.clear();
      this.cache.set(word, pieces);
    }
    for (let i = 0; i < pieces.length; i++) out.push(pieces[i]);
  }

  private encodeUncached(word: string): Pieces {
    const { vocab, ignoreMerges, continuingSubwordSuffix } = this.options;
    const out: number[] = [];
    if (word.length === 0) return out;
    const whole = vocab.get(word);
    if (ignoreMerges && whole !== undefined) return [whole, 0, word.length];
    const { symbols, bounds } = this.merge(word);
    for (let i = 0; i < symbols.length; i++) {
      const piece = continuingSubwordSuffix && i < symbols.length - 1 ? symbols[i] + continuingSubwordSuffix : symbols[i];
      this.pushPiece(piece, bounds[i], bounds[i + 1], out);
    }
    return out;
  }

  /** The merged symbols of `word` and their UTF-16 bounds (symbol i is word[bounds[i], bounds[i + 1])). */
  private merge(word: string): { symbols: string[]; bounds: number[] } {
    const symbols = Array.from(word);
    const bounds = [0];
    for (const symbol of symbols) bounds.push(bounds.at(-1)! + symbol.length);
    if (this.options.endOfWordSuffix) symbols[symbols.length - 1] += this.options.endOfWordSuffix;
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const rank = this.ranks.get(symbols[i])?.get(symbols[i + 1]);
        if (rank !== undefined && rank < bestRank) {
          best = i;
          bestRank = rank;
        }
      }
      if (best < 0) return { symbols, bounds };
      symbols.splice(best, 2, symbols[best] + symbols[best + 1]);
      bounds.splice(best + 1, 1);
    }
  }

  private pushPiece(piece: string, start: number, end: number, out: number[]): void {
    const { vocab, byteFallback, unkId } = this.options;
    const id = vocab.get(piece);
    if (id !== undefined) {
      out.push(id, start, end);
      return;
    }
    if (byteFallback) {
      const bytes = [...encoder.encode(piece)].map((b) => vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
      if (bytes.every((b) => b !== undefined)) {
        for (const b of bytes) out.push(b!, start, end);
        return;
      }
    }
    if (unkId !== null) out.push(unkId, start, end);
  }
}
