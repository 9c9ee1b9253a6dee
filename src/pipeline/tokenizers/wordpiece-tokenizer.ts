/**
 * BERT WordPiece tokenization with character offsets into the original text. It produces the
 * same ids as transformers.js on the same tokenizer files (tests hold it to that over the whole
 * CORD-19 sample), which transformers.js cannot do itself: it returns no offsets.
 *
 * Pipeline, as in transformers.js: split the raw text on verbatim added tokens ([CLS], [SEP], ...),
 * normalize each stretch between them (BertNormalizer), split on added tokens that match
 * normalized text, pre-tokenize (whitespace and punctuation), then WordPiece each word.
 */
import { createHash } from 'node:crypto';
import { AddedTokenMatcher, forEachPart } from './added-tokens.js';
import { BertNormalizer, type AlignedText } from './bert-normalizer.js';
import { bertLayout, pairLayout } from './pair-layout.js';
import { failIn, readTokenizerFiles, type TokenizerFiles } from './tokenizer-files.js';
import { layoutIds, type PairLayout, type TokenizedText, type Tokenizer } from './tokenizer.js';
import { wordPieceSpec, type SpecialTokenIds, type WordPieceSpec } from './wordpiece-spec.js';
import { WordPiece } from './wordpiece.js';

// BertPreTokenizer as transformers.js writes it: runs of anything but whitespace and punctuation,
// or one punctuation char. BERT counts all non-alphanumeric printable ASCII as punctuation.
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const BERT_WORD = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

export class WordPieceTokenizer implements Tokenizer {
  readonly special: SpecialTokenIds;
  readonly specialIds: ReadonlySet<number>;
  readonly fingerprint: string;
  readonly maxSequenceLength: number;
  readonly pairLayout: PairLayout;
  readonly leadingSpaceChangesTokens = false;
  private readonly normalizer: BertNormalizer | null;
  private readonly wordPiece: WordPiece;
  private readonly rawAddedTokens: AddedTokenMatcher | null;
  private readonly normalizedAddedTokens: AddedTokenMatcher | null;
  /** Reused between words to avoid an allocation per word. */
  private readonly pieces: number[] = [];

  private constructor(spec: WordPieceSpec, files: TokenizerFiles) {
    const source = spec.source;
    const vocab = new Map(spec.vocab);
    for (const token of spec.addedTokens) vocab.set(token.content, token.id);
    const idOf = (token: string, role: string): number => {
      const id = vocab.get(token);
      if (id === undefined) throw new Error(`${source}: ${role} "${token}" is not in the vocabulary`);
      return id;
    };
    const names = spec.specialTokens;
    this.special = {
      cls: idOf(names.cls, 'cls_token'),
      sep: idOf(names.sep, 'sep_token'),
      pad: idOf(names.pad, 'pad_token'),
      unk: idOf(names.unk, 'unk_token'),
      mask: idOf(names.mask, 'mask_token'),
    };
    this.fingerprint = fingerprintOf(spec, this.special);
    this.maxSequenceLength = spec.maxSequenceLength;
    const { cls, sep, pad } = this.special;
    this.pairLayout = files.tokenizerJson
      ? pairLayout({ postProcessor: files.tokenizerJson.post_processor, config: files.config ?? {}, padId: pad, idOf: (token) => vocab.get(token), fail: failIn(source) })
      : bertLayout(cls, sep, pad);
    this.specialIds = new Set([
      ...Object.values(this.special),
      ...spec.addedTokens.filter((t) => t.special).map((t) => t.id),
      ...layoutIds(this.pairLayout),
    ]);
    this.normalizer = spec.normalizer && new BertNormalizer(spec.normalizer);
    this.wordPiece = new WordPiece({
      vocab,
      unkId: idOf(spec.unkToken, 'WordPiece unk_token'),
      continuingSubwordPrefix: spec.continuingSubwordPrefix,
      maxInputCharsPerWord: spec.maxInputCharsPerWord,
    });
    this.rawAddedTokens = AddedTokenMatcher.of(spec.addedTokens.filter((t) => !t.normalized));
    this.normalizedAddedTokens = AddedTokenMatcher.of(
      spec.addedTokens.filter((t) => t.normalized),
      (t) => this.normalizer?.normalize(t.content) ?? t.content,
    );
  }

  /**
   * Reads tokenizer.json (Hugging Face format) if the directory has one, else vocab.txt with
   * tokenizer_config.json, the way a slow BertTokenizer is saved.
   */
  static async fromModelDir(dir: string): Promise<WordPieceTokenizer> {
    return WordPieceTokenizer.fromFiles(await readTokenizerFiles(dir));
  }

  static fromFiles(files: TokenizerFiles): WordPieceTokenizer {
    return new WordPieceTokenizer(wordPieceSpec(files), files);
  }

  tokenize(text: string): TokenizedText {
    const result: TokenizedText = { ids: [], offsets: [] };
    forEachPart(
      text,
      this.rawAddedTokens,
      (start, end) => this.tokenizeBetweenAddedTokens(text.slice(start, end), start, result),
      (id, start, end) => addToken(result, id, start, end),
    );
    return result;
  }

  private tokenizeBetweenAddedTokens(section: string, offset: number, result: TokenizedText): void {
    if (section.length === 0) return;
    const aligned = this.normalizer ? this.normalizer.normalizeAligned(section) : { text: section, starts: null, ends: null };
    forEachPart(
      aligned.text,
      this.normalizedAddedTokens,
      (start, end) => this.tokenizeWords(aligned, start, end, offset, result),
      (id, start, end) => addToken(result, id, offset + sourceStart(aligned, start), offset + sourceEnd(aligned, end)),
    );
  }

  /** Pre-tokenizes aligned.text[from, to) into words and WordPieces each word. */
  private tokenizeWords(aligned: AlignedText, from: number, to: number, offset: number, result: TokenizedText): void {
    const text = aligned.text.slice(from, to);
    const pieces = this.pieces;
    BERT_WORD.lastIndex = 0;
    for (let match; (match = BERT_WORD.exec(text)); ) {
      const wordStart = from + match.index;
      pieces.length = 0;
      this.wordPiece.encode(match[0], pieces);
      for (let i = 0; i < pieces.length; i += 3) {
        const start = offset + sourceStart(aligned, wordStart + pieces[i + 1]);
        addToken(result, pieces[i], start, offset + sourceEnd(aligned, wordStart + pieces[i + 2]));
      }
    }
  }
}

function addToken(result: TokenizedText, id: number, start: number, end: number): void {
  result.ids.push(id);
  result.offsets.push(start, end);
}

/** Input offset where normalized unit `index` starts. */
function sourceStart(aligned: AlignedText, index: number): number {
  return aligned.starts ? aligned.starts[index] : index;
}

/** Input offset where the normalized stretch ending before unit `end` ends. */
function sourceEnd(aligned: AlignedText, end: number): number {
  return aligned.ends ? aligned.ends[end - 1] : end;
}

function fingerprintOf(spec: WordPieceSpec, special: SpecialTokenIds): string {
  // Sorted, so the same vocabulary hashes the same whichever file or key order it came from.
  const vocab = [...spec.vocab].sort(([a, idA], [b, idB]) => idA - idB || (a < b ? -1 : a > b ? 1 : 0));
  const addedTokens = spec.addedTokens.map((t) => [t.content, t.id, t.normalized]).sort((a, b) => (a[1] as number) - (b[1] as number));
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ normalizer: spec.normalizer, unk: spec.unkToken, prefix: spec.continuingSubwordPrefix }));
  hash.update(JSON.stringify({ maxInputCharsPerWord: spec.maxInputCharsPerWord, special, addedTokens }));
  hash.update(JSON.stringify(vocab));
  return hash.digest('hex').slice(0, 16);
}
