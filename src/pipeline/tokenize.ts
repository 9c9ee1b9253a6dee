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
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BertNormalizer, type AlignedText, type BertNormalizerOptions } from './bert-normalizer.js';
import { WordPiece } from './wordpiece.js';

export interface TokenizedText {
  ids: number[];
  /** [start, end) character offsets into the original text, one pair per token */
  offsets: number[] /* flat: s0,e0,s1,e1,... */;
}

export interface SpecialTokenIds {
  cls: number;
  sep: number;
  pad: number;
  unk: number;
  mask: number;
}

/** A token matched verbatim before WordPiece (tokenizer.json's added_tokens). */
interface AddedToken {
  content: string;
  id: number;
  special: boolean;
  /** Matched in the normalized text rather than in the original. */
  normalized: boolean;
}

/** What a model directory says about turning text into ids. */
interface TokenizerSpec {
  vocab: Map<string, number>;
  addedTokens: AddedToken[];
  /** null: tokenizer.json has no normalizer, text is used as is. */
  normalizer: BertNormalizerOptions | null;
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
  specialTokens: Record<keyof SpecialTokenIds, string>;
  maxSequenceLength: number;
}

type JsonObject = Record<string, unknown>;

const DEFAULT_MAX_SEQUENCE_LENGTH = 512;
const SPECIAL_TOKEN_DEFAULTS: Record<keyof SpecialTokenIds, string> = {
  cls: '[CLS]',
  sep: '[SEP]',
  pad: '[PAD]',
  unk: '[UNK]',
  mask: '[MASK]',
};
// BertPreTokenizer as transformers.js writes it: runs of anything but whitespace and punctuation,
// or one punctuation char. BERT counts all non-alphanumeric printable ASCII as punctuation.
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const BERT_WORD = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');

export class WordPieceTokenizer {
  readonly special: SpecialTokenIds;
  readonly specialIds: ReadonlySet<number>;
  readonly fingerprint: string;
  readonly maxSequenceLength: number;
  private readonly normalizer: BertNormalizer | null;
  private readonly wordPiece: WordPiece;
  private readonly rawAddedTokens: AddedTokenMatcher | null;
  private readonly normalizedAddedTokens: AddedTokenMatcher | null;
  /** Reused between words to avoid an allocation per word. */
  private readonly pieces: number[] = [];

  private constructor(spec: TokenizerSpec, source: string) {
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
    this.specialIds = new Set([...Object.values(this.special), ...spec.addedTokens.filter((t) => t.special).map((t) => t.id)]);
    this.fingerprint = fingerprintOf(spec, this.special);
    this.maxSequenceLength = spec.maxSequenceLength;
    this.normalizer = spec.normalizer && new BertNormalizer(spec.normalizer);
    this.wordPiece = new WordPiece({
      vocab,
      unkId: idOf(spec.unkToken, 'WordPiece unk_token'),
      continuingSubwordPrefix: spec.continuingSubwordPrefix,
      maxInputCharsPerWord: spec.maxInputCharsPerWord,
    });
    this.rawAddedTokens = AddedTokenMatcher.of(spec.addedTokens.filter((t) => !t.normalized));
    this.normalizedAddedTokens = AddedTokenMatcher.of(
      spec.addedTokens.filter((t) => t.normalized).map((t) => ({ ...t, content: this.normalizer?.normalize(t.content) ?? t.content })),
    );
  }

  /**
   * Reads tokenizer.json (Hugging Face format) if the directory has one, else vocab.txt with
   * tokenizer_config.json, the way a slow BertTokenizer is saved.
   */
  static async fromModelDir(dir: string): Promise<WordPieceTokenizer> {
    const info = await stat(dir).catch(nullIfMissing);
    if (!info) throw new Error(`tokenizer directory ${dir} does not exist`);
    if (!info.isDirectory()) throw new Error(`tokenizer directory ${dir} is not a directory`);
    const configPath = join(dir, 'tokenizer_config.json');
    const config = await readJsonObject(configPath);
    const tokenizerJsonPath = join(dir, 'tokenizer.json');
    const tokenizerJson = await readJsonObject(tokenizerJsonPath);
    if (tokenizerJson) {
      return new WordPieceTokenizer(specFromTokenizerJson(tokenizerJson, tokenizerJsonPath, config ?? {}), tokenizerJsonPath);
    }
    const vocabPath = join(dir, 'vocab.txt');
    const vocabText = await readFile(vocabPath, 'utf8').catch(nullIfMissing);
    if (vocabText === null) throw new Error(`tokenizer directory ${dir} has neither tokenizer.json nor vocab.txt`);
    // Casing cannot be guessed from a vocabulary, so a vocab.txt alone is not enough.
    if (!config) throw new Error(`${configPath} is missing: it says whether ${vocabPath} is cased`);
    return new WordPieceTokenizer(specFromVocabTxt(vocabText, vocabPath, config, configPath), vocabPath);
  }

  /** Token ids and offsets of `text`, without [CLS]/[SEP]. */
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

/**
 * Finds added tokens the way transformers.js's DictionarySplitter does: left to right, the longest
 * token starting at each position. Alternatives are tried in order, so longest first does that.
 * (lstrip/rstrip only trim whitespace, which BertPreTokenizer drops anyway.)
 */
class AddedTokenMatcher {
  private constructor(
    readonly pattern: RegExp,
    readonly ids: ReadonlyMap<string, number>,
  ) {}

  static of(tokens: readonly AddedToken[]): AddedTokenMatcher | null {
    const contents = tokens.map((t) => t.content).filter((content) => content.length > 0);
    if (contents.length === 0) return null;
    const alternatives = [...new Set(contents)].sort((a, b) => b.length - a.length).map(escapeRegExp);
    return new AddedTokenMatcher(new RegExp(alternatives.join('|'), 'g'), new Map(tokens.map((t) => [t.content, t.id])));
  }
}

/** Calls onText for each stretch between added tokens (possibly empty) and onToken for each added token. */
function forEachPart(
  text: string,
  matcher: AddedTokenMatcher | null,
  onText: (start: number, end: number) => void,
  onToken: (id: number, start: number, end: number) => void,
): void {
  let textStart = 0;
  if (matcher) {
    matcher.pattern.lastIndex = 0;
    for (let match; (match = matcher.pattern.exec(text)); ) {
      onText(textStart, match.index);
      textStart = match.index + match[0].length;
      onToken(matcher.ids.get(match[0])!, match.index, textStart);
    }
  }
  onText(textStart, text.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fingerprintOf(spec: TokenizerSpec, special: SpecialTokenIds): string {
  // Sorted, so the same vocabulary hashes the same whichever file or key order it came from.
  const vocab = [...spec.vocab].sort(([a, idA], [b, idB]) => idA - idB || (a < b ? -1 : a > b ? 1 : 0));
  const addedTokens = spec.addedTokens.map((t) => [t.content, t.id, t.normalized]).sort((a, b) => (a[1] as number) - (b[1] as number));
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ normalizer: spec.normalizer, unk: spec.unkToken, prefix: spec.continuingSubwordPrefix }));
  hash.update(JSON.stringify({ maxInputCharsPerWord: spec.maxInputCharsPerWord, special, addedTokens }));
  hash.update(JSON.stringify(vocab));
  return hash.digest('hex').slice(0, 16);
}

// ---- Reading model directories ----

/** For a missing file: other errors (permissions, a directory in its place) still throw. */
function nullIfMissing(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}

async function readJsonObject(path: string): Promise<JsonObject | null> {
  const text = await readFile(path, 'utf8').catch(nullIfMissing);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: malformed JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new Error(`${path}: expected a JSON object`);
  return value;
}

function specFromTokenizerJson(json: JsonObject, path: string, config: JsonObject): TokenizerSpec {
  const fail = (problem: string): never => {
    throw new Error(`${path}: ${problem}`);
  };
  const model = isObject(json.model) ? json.model : fail('"model" is missing');
  if (model.type !== 'WordPiece') fail(`model type ${JSON.stringify(model.type)} is not supported, only WordPiece`);
  if (!isObject(model.vocab)) fail('"model.vocab" must be an object of token -> id');
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab as JsonObject)) {
    if (!Number.isInteger(id)) fail(`"model.vocab" id of ${JSON.stringify(token)} is not an integer`);
    vocab.set(token, id as number);
  }
  const preTokenizer = json.pre_tokenizer;
  if (!isObject(preTokenizer) || preTokenizer.type !== 'BertPreTokenizer') {
    fail(`pre_tokenizer ${JSON.stringify(isObject(preTokenizer) ? preTokenizer.type : preTokenizer)} is not supported, only BertPreTokenizer`);
  }
  return {
    vocab,
    addedTokens: addedTokensOf(json.added_tokens, fail),
    normalizer: normalizerOf(json.normalizer, fail),
    unkToken: optional(model.unk_token, 'string', '[UNK]', 'model.unk_token', fail),
    continuingSubwordPrefix: optional(model.continuing_subword_prefix, 'string', '##', 'model.continuing_subword_prefix', fail),
    maxInputCharsPerWord: optional(model.max_input_chars_per_word, 'number', 100, 'model.max_input_chars_per_word', fail),
    specialTokens: specialTokenNames(config),
    maxSequenceLength: maxSequenceLengthOf(config),
  };
}

function normalizerOf(normalizer: unknown, fail: (problem: string) => never): BertNormalizerOptions | null {
  if (normalizer === null || normalizer === undefined) return null;
  if (!isObject(normalizer) || normalizer.type !== 'BertNormalizer') {
    return fail(`normalizer ${JSON.stringify(isObject(normalizer) ? normalizer.type : normalizer)} is not supported, only BertNormalizer`);
  }
  // Absent flags are off and strip_accents follows lowercase unless set, as in transformers.js.
  const lowercase = normalizer.lowercase === true;
  return {
    cleanText: normalizer.clean_text === true,
    handleChineseChars: normalizer.handle_chinese_chars === true,
    lowercase,
    stripAccents: lowercase ? normalizer.strip_accents !== false : normalizer.strip_accents === true,
  };
}

function addedTokensOf(value: unknown, fail: (problem: string) => never): AddedToken[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail('"added_tokens" must be an array');
  return value.map((token: unknown, i) => {
    if (!isObject(token) || typeof token.content !== 'string' || !Number.isInteger(token.id)) {
      return fail(`added_tokens[${i}] needs a string "content" and an integer "id"`);
    }
    const special = token.special === true;
    return { content: token.content, id: token.id as number, special, normalized: typeof token.normalized === 'boolean' ? token.normalized : !special };
  });
}

function specFromVocabTxt(text: string, vocabPath: string, config: JsonObject, configPath: string): TokenizerSpec {
  const fail = (problem: string): never => {
    throw new Error(`${configPath}: ${problem}`);
  };
  // One token per line, id = line number; '\r' too, so a vocab saved with CRLF still matches.
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new Error(`${vocabPath}: empty vocabulary`);
  const vocab = new Map(lines.map((token, id) => [token, id]));
  const lowercase = optional(config.do_lower_case, 'boolean', true, 'do_lower_case', fail);
  const stripAccents = config.strip_accents ?? null;
  if (stripAccents !== null && typeof stripAccents !== 'boolean') fail('"strip_accents" must be true, false or null');
  const specialTokens = specialTokenNames(config);
  return {
    vocab,
    // What converting this slow tokenizer to tokenizer.json would list, so both fingerprint alike.
    addedTokens: Object.values(specialTokens)
      .filter((content) => vocab.has(content))
      .map((content) => ({ content, id: vocab.get(content)!, special: true, normalized: false }))
      .sort((a, b) => a.id - b.id),
    normalizer: {
      cleanText: true,
      handleChineseChars: optional(config.tokenize_chinese_chars, 'boolean', true, 'tokenize_chinese_chars', fail),
      lowercase,
      stripAccents: (stripAccents as boolean | null) ?? lowercase,
    },
    unkToken: specialTokens.unk,
    continuingSubwordPrefix: '##',
    maxInputCharsPerWord: 100,
    specialTokens,
    maxSequenceLength: maxSequenceLengthOf(config),
  };
}

function specialTokenNames(config: JsonObject): Record<keyof SpecialTokenIds, string> {
  const name = (key: string, fallback: string): string => {
    const value = config[key];
    // Saved either as a string or as an AddedToken object.
    if (typeof value === 'string') return value;
    if (isObject(value) && typeof value.content === 'string') return value.content;
    return fallback;
  };
  const d = SPECIAL_TOKEN_DEFAULTS;
  return {
    cls: name('cls_token', d.cls),
    sep: name('sep_token', d.sep),
    pad: name('pad_token', d.pad),
    unk: name('unk_token', d.unk),
    mask: name('mask_token', d.mask),
  };
}

function maxSequenceLengthOf(config: JsonObject): number {
  const length = config.model_max_length;
  // transformers saves int(1e30) when a model sets no limit; that is not a usable length.
  return Number.isSafeInteger(length) && (length as number) > 0 ? (length as number) : DEFAULT_MAX_SEQUENCE_LENGTH;
}

function optional<T extends string | number | boolean>(
  value: unknown,
  type: 'string' | 'number' | 'boolean',
  fallback: T,
  name: string,
  fail: (problem: string) => never,
): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== type) fail(`"${name}" must be a ${type}`);
  return value as T;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
