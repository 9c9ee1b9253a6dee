/**
 * What a BERT-style model folder says about WordPiece tokenization: from tokenizer.json, or from vocab.txt with
 * tokenizer_config.json the way a slow BertTokenizer is saved.
 */
import type { BertNormalizerOptions } from './bert-normalizer.js';
import {
  addedTokensOf,
  failIn,
  isObject,
  maxSequenceLengthOf,
  optional,
  tokenName,
  typeOf,
  type AddedToken,
  type Fail,
  type JsonObject,
  type TokenizerFiles,
} from './tokenizer-files.js';

export interface SpecialTokenIds {
  cls: number;
  sep: number;
  pad: number;
  unk: number;
  mask: number;
}

export interface WordPieceSpec {
  vocab: Map<string, number>;
  addedTokens: AddedToken[];
  /** null: tokenizer.json has no normalizer, text is used as is. */
  normalizer: BertNormalizerOptions | null;
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
  specialTokens: Record<keyof SpecialTokenIds, string>;
  maxSequenceLength: number;
  /** Where the spec came from, for error messages. */
  source: string;
}

const SPECIAL_TOKEN_DEFAULTS: Record<keyof SpecialTokenIds, string> = {
  cls: '[CLS]',
  sep: '[SEP]',
  pad: '[PAD]',
  unk: '[UNK]',
  mask: '[MASK]',
};

export function wordPieceSpec(files: TokenizerFiles): WordPieceSpec {
  if (files.tokenizerJson) return specFromTokenizerJson(files.tokenizerJson, files.tokenizerJsonPath, files.config ?? {});
  // Casing cannot be guessed from a vocabulary, so a vocab.txt alone is not enough.
  if (!files.config) throw new Error(`${files.configPath} is missing: it says whether ${files.vocabPath} is cased`);
  return specFromVocabTxt(files.vocabTxt!, files.vocabPath, files.config, files.configPath);
}

function specFromTokenizerJson(json: JsonObject, path: string, config: JsonObject): WordPieceSpec {
  const fail = failIn(path);
  const model = isObject(json.model) ? json.model : fail('"model" is missing');
  if (model.type !== 'WordPiece') fail(`model type ${JSON.stringify(model.type)} is not WordPiece`);
  if (!isObject(model.vocab)) fail('"model.vocab" must be an object of token -> id');
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab as JsonObject)) {
    if (!Number.isInteger(id)) fail(`"model.vocab" id of ${JSON.stringify(token)} is not an integer`);
    vocab.set(token, id as number);
  }
  const preTokenizer = json.pre_tokenizer as JsonObject | null;
  if (preTokenizer?.type !== 'BertPreTokenizer') fail(`pre_tokenizer ${typeOf(preTokenizer)} is not supported with WordPiece, only BertPreTokenizer`);
  return {
    vocab,
    addedTokens: addedTokensOf(json.added_tokens, fail),
    normalizer: normalizerOf(json.normalizer, fail),
    unkToken: optional(model.unk_token, 'string', '[UNK]', 'model.unk_token', fail),
    continuingSubwordPrefix: optional(model.continuing_subword_prefix, 'string', '##', 'model.continuing_subword_prefix', fail),
    maxInputCharsPerWord: optional(model.max_input_chars_per_word, 'number', 100, 'model.max_input_chars_per_word', fail),
    specialTokens: specialTokenNames(config),
    maxSequenceLength: maxSequenceLengthOf(config),
    source: path,
  };
}

function normalizerOf(normalizer: unknown, fail: Fail): BertNormalizerOptions | null {
  if (normalizer === null || normalizer === undefined) return null;
  const options = normalizer as JsonObject;
  if (options.type !== 'BertNormalizer') return fail(`normalizer ${typeOf(normalizer)} is not supported with WordPiece, only BertNormalizer`);
  // Absent flags are off and strip_accents follows lowercase unless set, as in transformers.js.
  const lowercase = options.lowercase === true;
  return {
    cleanText: options.clean_text === true,
    handleChineseChars: options.handle_chinese_chars === true,
    lowercase,
    stripAccents: lowercase ? options.strip_accents !== false : options.strip_accents === true,
  };
}

function specFromVocabTxt(text: string, vocabPath: string, config: JsonObject, configPath: string): WordPieceSpec {
  const fail = failIn(configPath);
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
      .map((content) => ({ content, id: vocab.get(content)!, special: true, normalized: false, lstrip: false, rstrip: false }))
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
    source: vocabPath,
  };
}

function specialTokenNames(config: JsonObject): Record<keyof SpecialTokenIds, string> {
  const d = SPECIAL_TOKEN_DEFAULTS;
  return {
    cls: tokenName(config, 'cls_token') ?? d.cls,
    sep: tokenName(config, 'sep_token') ?? d.sep,
    pad: tokenName(config, 'pad_token') ?? d.pad,
    unk: tokenName(config, 'unk_token') ?? d.unk,
    mask: tokenName(config, 'mask_token') ?? d.mask,
  };
}
