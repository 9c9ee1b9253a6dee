/**
 * Unigram (SentencePiece) segmentation of one pre-token, as transformers.js's Unigram model does it: Viterbi over
 * the pieces' log-probabilities, a char no piece starts with becoming the unknown token (scored 10 below the
 * lowest piece). Ties go to the path found first, i.e. to the longer piece ending at a position.
 */

export interface UnigramOptions {
  /** [piece, score] in id order. */
  pieces: readonly (readonly [string, number])[];
  unkId: number;
  /** Token -> id as the tokenizer resolves it (added tokens override pieces of the same text). */
  ids: ReadonlyMap<string, number>;
}

interface TrieNode {
  children: Map<number, TrieNode>;
  /** -1 when no piece ends here. */
  id: number;
  score: number;
  /** Code points in the piece ending here. */
  chars: number;
}

export class UnigramModel {
  private readonly root: TrieNode = node();
  private readonly unkId: number;
  private readonly unkScore: number;

  constructor(options: UnigramOptions) {
    const scores = options.pieces.map(([, score]) => score);
    this.unkId = options.unkId;
    this.unkScore = Math.min(...scores) - 10;
    scores[this.unkId] = this.unkScore;
    for (const [piece] of options.pieces) {
      let at = this.root;
      for (let i = 0; i < piece.length; i++) {
        const code = piece.charCodeAt(i);
        let next = at.children.get(code);
        if (!next) at.children.set(code, (next = node()));
        at = next;
      }
      const id = options.ids.get(piece)!;
      at.id = id;
      at.score = scores[id];
      at.chars = [...piece].length;
    }
  }

  /** Appends (id, start, end) triples for `text`, offsets in its UTF-16 units. */
  encode(text: string, out: number[]): void {
    const n = text.length;
    if (n === 0) return;
    const best = new Float64Array(n + 1);
    const reached = new Uint8Array(n + 1);
    const from = new Int32Array(n + 1);
    const ids = new Int32Array(n + 1);
    reached[0] = 1;
    const offer = (start: number, end: number, id: number, score: number) => {
      const total = best[start] + score;
      if (!reached[end] || total > best[end]) {
        reached[end] = 1;
        best[end] = total;
        from[end] = start;
        ids[end] = id;
      }
    };
    for (let start = 0; start < n; ) {
      const width = text.codePointAt(start)! > 0xffff ? 2 : 1;
      let single = false;
      let at: TrieNode | undefined = this.root;
      for (let end = start; end < n && (at = at.children.get(text.charCodeAt(end))); end++) {
        if (at.id < 0) continue;
        offer(start, end + 1, at.id, at.score);
        if (at.chars === 1) single = true;
      }
      if (!single) offer(start, start + width, this.unkId, this.unkScore);
      start += width;
    }
    const first = out.length;
    for (let end = n; end > 0; end = from[end]) out.push(ids[end], from[end], end);
    reverseTriples(out, first);
  }
}

function node(): TrieNode {
  return { children: new Map(), id: -1, score: 0, chars: 0 };
}

/** Reverses the order of the (id, start, end) triples from `first` on. */
function reverseTriples(out: number[], first: number): void {
  for (let i = first, j = out.length - 3; i < j; i += 3, j -= 3) {
    for (let k = 0; k < 3; k++) [out[i + k], out[j + k]] = [out[j + k], out[i + k]];
  }
}
