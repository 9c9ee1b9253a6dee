/**
 * WordPiece: greedy longest-match-first split of one pre-tokenized word into vocabulary pieces,
 * continuation pieces carrying a prefix ("##"). A word longer than maxInputCharsPerWord, or with
 * a stretch no piece matches, becomes a single unknown token.
 */

export interface WordPieceOptions {
  /** Token -> id, added tokens included (transformers.js lets WordPiece match them too). */
  vocab: ReadonlyMap<string, number>;
  unkId: number;
  continuingSubwordPrefix: string;
  /** Counted in code points, as transformers.js and the Rust tokenizers do. */
  maxInputCharsPerWord: number;
}

/** Lookup table for one position in a word: pieces by text, and the longest one's length. */
interface PieceTable {
  ids: Map<string, number>;
  maxLength: number;
}

export class WordPiece {
  private readonly wordStart: PieceTable;
  /** Continuation pieces keyed without their prefix, so lookups need no string concatenation. */
  private readonly continuation: PieceTable;

  constructor(private readonly options: WordPieceOptions) {
    const prefix = options.continuingSubwordPrefix;
    this.wordStart = pieceTable(options.vocab);
    this.continuation = pieceTable(
      [...options.vocab]
        .filter(([token]) => token.startsWith(prefix))
        .map(([token, id]) => [token.slice(prefix.length), id]),
    );
  }

  /** Appends (id, start, end) triples, offsets in UTF-16 units of `word`, to `out`. */
  encode(word: string, out: number[]): void {
    if (word.length > this.options.maxInputCharsPerWord && codePointCount(word) > this.options.maxInputCharsPerWord) {
      out.push(this.options.unkId, 0, word.length);
      return;
    }
    const firstPiece = out.length;
    for (let start = 0; start < word.length; ) {
      const table = start === 0 ? this.wordStart : this.continuation;
      let end = Math.min(word.length, start + table.maxLength);
      let id: number | undefined;
      for (; end > start; end--) {
        if (splitsSurrogatePair(word, end)) continue;
        id = table.ids.get(word.slice(start, end));
        if (id !== undefined) break;
      }
      if (id === undefined) {
        out.length = firstPiece;
        out.push(this.options.unkId, 0, word.length);
        return;
      }
      out.push(id, start, end);
      start = end;
    }
  }
}

function pieceTable(entries: Iterable<readonly [string, number]>): PieceTable {
  const ids = new Map(entries);
  let maxLength = 0;
  for (const token of ids.keys()) maxLength = Math.max(maxLength, token.length);
  return { ids, maxLength };
}

/** Pieces are whole code points: a cut between a high and a low surrogate is no cut at all. */
function splitsSurrogatePair(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += text.codePointAt(i)! > 0xffff ? 2 : 1) count++;
  return count;
}
