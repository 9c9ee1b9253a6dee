/**
 * A small SentencePiece-style Unigram vocabulary: frequent substrings of the words as candidates, then a few
 * rounds of Viterbi segmentation (with the production Unigram model) that keep the pieces used most and score
 * each piece by the log of its share of uses. Every char seen stays a piece. Deterministic.
 */
import { UnigramModel } from '../../pipeline/tokenizers/unigram.js';

export interface UnigramTraining {
  /** Pieces wanted, characters included. */
  vocabSize: number;
  /** Longest candidate piece, in code points. */
  maxPieceLength?: number;
  rounds?: number;
}

/**
 * [piece, score] by decreasing score, from pre-tokenized words (as the tokenizer's normalizer and Metaspace
 * pre-tokenizer make them, "▁" included) and how often each occurs.
 */
export function trainUnigram(words: ReadonlyMap<string, number>, options: UnigramTraining): [string, number][] {
  const maxLength = options.maxPieceLength ?? 12;
  const chars = new Set<string>();
  const substrings = new Map<string, number>();
  for (const [word, count] of words) {
    const points = Array.from(word);
    for (const char of points) chars.add(char);
    for (let start = 0; start < points.length; start++) {
      let piece = points[start];
      for (let end = start + 1; end < Math.min(points.length, start + maxLength); end++) {
        piece += points[end];
        substrings.set(piece, (substrings.get(piece) ?? 0) + count);
      }
    }
  }
  const byWeight = (weight: (piece: string) => number) => (a: string, b: string) => weight(b) - weight(a) || (a < b ? -1 : a > b ? 1 : 0);
  const room = Math.max(0, options.vocabSize - chars.size);
  let kept = [...substrings.keys()]
    .filter((piece) => substrings.get(piece)! >= 2)
    .sort(byWeight((piece) => substrings.get(piece)! * [...piece].length))
    .slice(0, 4 * room);
  let scored = scores([...chars, ...kept], (piece) => substrings.get(piece) ?? countOf(piece, words));
  for (let round = 0; round < (options.rounds ?? 3); round++) {
    const uses = segmentUses(scored, words);
    kept = kept.filter((piece) => uses.has(piece)).sort(byWeight((piece) => uses.get(piece)!)).slice(0, room);
    scored = scores([...chars, ...kept], (piece) => uses.get(piece) ?? 0.5);
  }
  return scored.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
}

function scores(pieces: string[], count: (piece: string) => number): [string, number][] {
  const total = pieces.reduce((sum, piece) => sum + count(piece), 0);
  return pieces.map((piece) => [piece, Math.log(count(piece) / total)]);
}

function countOf(char: string, words: ReadonlyMap<string, number>): number {
  let count = 0;
  for (const [word, n] of words) if (word.includes(char)) count += n;
  return count;
}

/** How often each piece is used when every word is segmented with the current scores. */
function segmentUses(scored: [string, number][], words: ReadonlyMap<string, number>): Map<string, number> {
  const pieces: [string, number][] = [['\u0000unk', 0], ...scored];
  const model = new UnigramModel({ pieces, unkId: 0, ids: new Map(pieces.map(([piece], id) => [piece, id])) });
  const uses = new Map<string, number>();
  const out: number[] = [];
  for (const [word, count] of words) {
    out.length = 0;
    model.encode(word, out);
    for (let i = 0; i < out.length; i += 3) {
      const piece = pieces[out[i]][0];
      uses.set(piece, (uses.get(piece) ?? 0) + count);
    }
  }
  return uses;
}
