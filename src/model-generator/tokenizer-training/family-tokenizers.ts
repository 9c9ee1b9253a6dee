/**
 * Tokenizer folders (tokenizer.json, tokenizer_config.json, special_tokens_map.json) in the exact format the
 * Hugging Face tokenizers library saves for each family of extractive QA models, with vocabularies learnt
 * from the given texts (the Hub, and so the real vocabularies, cannot be reached here):
 *
 * - bert-uncased, bert-cased, distilbert-cased, electra: WordPiece on bert-base-uncased's vocabulary (the cased ones
 *   add the capitalized words of the texts), as bert-base-*, distilbert-base-cased-distilled-squad and
 *   electra-base-discriminator have it;
 * - roberta: byte-level BPE, RobertaProcessing, `<mask>` with lstrip, as roberta-base (deepset/roberta-base-squad2);
 * - xlm-roberta: Unigram, Precompiled + Replace normalizer, Metaspace, `<s> A </s></s> B </s>` template;
 * - albert: Unigram, lowercasing and accent-stripping normalizers, WhitespaceSplit + Metaspace, remove_space;
 * - deberta-v3: Unigram, Strip + Precompiled normalizer, Metaspace, `[CLS] A [SEP] B [SEP]` with type ids 0/1.
 *
 * A Precompiled normalizer's charsmap is a valid one that maps nothing (SentencePiece's real tables cannot be
 * fetched here); transformers.js, the reference, applies NFKC whatever the charsmap says.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bertUncasedVocab, SPECIAL_TOKENS, tokenizerConfigJson, tokenizerJson, vocabTxt } from '../tokenizer-files.js';
import { createNormalizer } from '../../pipeline/tokenizers/aligned-normalizer.js';
import { BYTE_CHARS } from '../../pipeline/tokenizers/byte-level.js';
import { trainByteLevelBpe } from './bpe-trainer.js';
import { trainUnigram } from './unigram-trainer.js';

export const TOKENIZER_FAMILIES = ['bert-uncased', 'bert-cased', 'distilbert-cased', 'electra', 'roberta', 'xlm-roberta', 'albert', 'deberta-v3'] as const;
export type TokenizerFamily = (typeof TOKENIZER_FAMILIES)[number];

export interface TokenizerFolderOptions {
  /** BPE merges (roberta), or Unigram pieces (xlm-roberta, albert, deberta-v3). */
  vocabSize?: number;
}

type Json = Record<string, unknown>;

interface TokenizerFolder {
  tokenizer: Json;
  config: Json;
  specialTokensMap: Json;
  /** WordPiece families also get a vocab.txt, as a slow BertTokenizer saves one. */
  vocab?: string[];
}

const METASPACE = '\u2581';

/** What a model needs to know of the tokenizer folder written for it. */
export interface WrittenTokenizer {
  /** Files written, relative to the folder. */
  files: string[];
  /** One more than the largest token id: the model's word-embedding table needs at least this many rows. */
  vocabSize: number;
  padId: number;
}

/** Families whose vocabulary is fixed (bert-base-uncased's), so they learn nothing from texts. */
export const FIXED_VOCABULARY_FAMILIES: readonly TokenizerFamily[] = ['bert-uncased', 'electra'];

/** Writes `family`'s tokenizer files into `dir`, vocabulary learnt from `texts`; the same texts give the same files. */
export function writeTokenizerFolder(family: TokenizerFamily, dir: string, texts: readonly string[], options: TokenizerFolderOptions = {}): WrittenTokenizer {
  const folder = tokenizerFolder(family, texts, options);
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['tokenizer.json', JSON.stringify(folder.tokenizer, null, 2)],
    ['tokenizer_config.json', JSON.stringify(folder.config, null, 2)],
    ['special_tokens_map.json', JSON.stringify(folder.specialTokensMap, null, 2)],
  ];
  if (folder.vocab) files.push(['vocab.txt', vocabTxt(folder.vocab)]);
  for (const [file, text] of files) writeFileSync(join(dir, file), text);
  const ids = tokenIds(folder.tokenizer);
  const pad = ids.get(String(folder.config.pad_token));
  if (pad === undefined) throw new Error(`${family} tokenizer: no id for its pad token ${String(folder.config.pad_token)}`);
  return { files: files.map(([file]) => file), vocabSize: Math.max(...ids.values()) + 1, padId: pad };
}

/** Every token of a saved tokenizer.json with its id: the model's vocabulary (WordPiece and BPE maps, Unigram pieces) and the added tokens. */
function tokenIds(tokenizer: Json): Map<string, number> {
  const model = tokenizer.model as { vocab: Record<string, number> | [string, number][] };
  const ids = new Map<string, number>(Array.isArray(model.vocab) ? model.vocab.map(([piece], id) => [piece, id]) : Object.entries(model.vocab));
  for (const added of tokenizer.added_tokens as { content: string; id: number }[]) ids.set(added.content, added.id);
  return ids;
}

function tokenizerFolder(family: TokenizerFamily, texts: readonly string[], options: TokenizerFolderOptions): TokenizerFolder {
  switch (family) {
    case 'bert-uncased':
      return wordPieceFolder(bertUncasedVocab(), true, 'BertTokenizer');
    case 'bert-cased':
      return wordPieceFolder(casedVocab(texts), false, 'BertTokenizer');
    case 'distilbert-cased':
      return wordPieceFolder(casedVocab(texts), false, 'DistilBertTokenizer');
    case 'electra':
      return wordPieceFolder(bertUncasedVocab(), true, 'ElectraTokenizer');
    case 'roberta':
      return robertaFolder(texts, options.vocabSize ?? 4000);
    case 'xlm-roberta':
    case 'albert':
    case 'deberta-v3':
      return unigramFolder(UNIGRAM_FAMILIES[family], texts, options.vocabSize ?? 4000);
  }
}

// ---- WordPiece ----

function wordPieceFolder(vocab: string[], lowercase: boolean, tokenizerClass: string): TokenizerFolder {
  const tokenizer = tokenizerJson(vocab) as Json;
  if (!lowercase) tokenizer.normalizer = { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase };
  const config = { ...(tokenizerConfigJson() as Json), tokenizer_class: tokenizerClass, do_lower_case: lowercase };
  return { tokenizer, config, specialTokensMap: SPECIAL_TOKENS, vocab };
}

/** bert-base-uncased's vocabulary plus the capitalized words of `texts` whose lowercase form is a word of it. */
function casedVocab(texts: readonly string[]): string[] {
  const vocab = bertUncasedVocab();
  const known = new Set(vocab);
  const capitalized = new Set<string>();
  for (const text of texts) {
    for (const [word] of text.matchAll(/\b[A-Z][a-z]+\b/g)) if (known.has(word.toLowerCase()) && !known.has(word)) capitalized.add(word);
  }
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') if (!known.has(letter)) capitalized.add(letter);
  return [...vocab, ...[...capitalized].sort()];
}

// ---- Byte-level BPE (RoBERTa) ----

const ROBERTA_SPECIALS = { bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>', unk_token: '<unk>', pad_token: '<pad>' };
const ROBERTA_MASK = { content: '<mask>', single_word: false, lstrip: true, rstrip: false, normalized: false };

function robertaFolder(texts: readonly string[], mergeCount: number): TokenizerFolder {
  const specials = ['<s>', '<pad>', '</s>', '<unk>'];
  const merges = trainByteLevelBpe(texts, mergeCount);
  const vocab = new Map<string, number>();
  for (const token of [...specials, ...BYTE_CHARS, ...merges.map(([a, b]) => a + b)]) if (!vocab.has(token)) vocab.set(token, vocab.size);
  const mask = vocab.size;
  vocab.set('<mask>', mask);
  const addedTokens = [
    ...specials.map((content, id) => addedToken(content, id, { normalized: true })),
    addedToken('<mask>', mask, { lstrip: true }),
  ];
  return {
    tokenizer: savedTokenizer({
      added_tokens: addedTokens,
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab: Object.fromEntries(vocab),
        merges: merges.map(([a, b]) => `${a} ${b}`),
      },
    }),
    config: {
      tokenizer_class: 'RobertaTokenizer',
      add_prefix_space: false,
      errors: 'replace',
      trim_offsets: true,
      model_max_length: 512,
      ...ROBERTA_SPECIALS,
      mask_token: { ...ROBERTA_MASK, __type: 'AddedToken' },
    },
    specialTokensMap: { ...ROBERTA_SPECIALS, mask_token: ROBERTA_MASK },
  };
}

// ---- Unigram (SentencePiece) ----

interface UnigramFamily {
  /** Special pieces before the learnt ones, and after them. */
  leading: string[];
  trailing: string[];
  unk: string;
  mask: string;
  normalizer: Json;
  preTokenizer: Json;
  /** Template tokens and the second sequence's type id. */
  cls: string;
  sep: string;
  /** RoBERTa-style `</s></s>` between the texts. */
  doubleSep: boolean;
  pairTypeId: number;
  config: Json;
}

/**
 * A precompiled charsmap mapping nothing: a little-endian trie size, then a double-array trie of 256 empty units
 * (one per byte a lookup can step to from the root, so no lookup runs off its end), then no normalized strings.
 */
const EMPTY_CHARSMAP = (() => {
  const bytes = Buffer.alloc(4 + 256 * 4);
  bytes.writeUInt32LE(256 * 4, 0);
  return bytes.toString('base64');
})();
const precompiled = { type: 'Precompiled', precompiled_charsmap: EMPTY_CHARSMAP };
const collapseSpaces = { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' };
const metaspace = { type: 'Metaspace', replacement: METASPACE, prepend_scheme: 'always', split: true };

const UNIGRAM_FAMILIES: Record<'xlm-roberta' | 'albert' | 'deberta-v3', UnigramFamily> = {
  'xlm-roberta': {
    leading: ['<s>', '<pad>', '</s>', '<unk>'],
    trailing: ['<mask>'],
    unk: '<unk>',
    mask: '<mask>',
    normalizer: { type: 'Sequence', normalizers: [precompiled, collapseSpaces] },
    preTokenizer: metaspace,
    cls: '<s>',
    sep: '</s>',
    doubleSep: true,
    pairTypeId: 0,
    config: { tokenizer_class: 'XLMRobertaTokenizer', bos_token: '<s>', eos_token: '</s>', sep_token: '</s>', cls_token: '<s>', unk_token: '<unk>', pad_token: '<pad>' },
  },
  albert: {
    leading: ['<pad>', '<unk>', '[CLS]', '[SEP]', '[MASK]'],
    trailing: [],
    unk: '<unk>',
    mask: '[MASK]',
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Replace', pattern: { String: '``' }, content: '"' },
        { type: 'Replace', pattern: { String: "''" }, content: '"' },
        { type: 'NFKD' },
        { type: 'StripAccents' },
        { type: 'Lowercase' },
        precompiled,
      ],
    },
    // The older conversion: split on whitespace, then "▁" before every word.
    preTokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace', replacement: METASPACE, add_prefix_space: true }] },
    cls: '[CLS]',
    sep: '[SEP]',
    doubleSep: false,
    pairTypeId: 1,
    config: {
      tokenizer_class: 'AlbertTokenizer',
      do_lower_case: true,
      remove_space: true,
      keep_accents: false,
      bos_token: '[CLS]',
      eos_token: '[SEP]',
      sep_token: '[SEP]',
      cls_token: '[CLS]',
      unk_token: '<unk>',
      pad_token: '<pad>',
    },
  },
  'deberta-v3': {
    leading: ['[PAD]', '[CLS]', '[SEP]', '[UNK]'],
    trailing: ['[MASK]'],
    unk: '[UNK]',
    mask: '[MASK]',
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Strip', strip_left: true, strip_right: true }, precompiled, collapseSpaces] },
    preTokenizer: metaspace,
    cls: '[CLS]',
    sep: '[SEP]',
    doubleSep: false,
    pairTypeId: 1,
    config: {
      tokenizer_class: 'DebertaV2Tokenizer',
      do_lower_case: false,
      split_by_punct: false,
      vocab_type: 'spm',
      bos_token: '[CLS]',
      eos_token: '[SEP]',
      sep_token: '[SEP]',
      cls_token: '[CLS]',
      unk_token: '[UNK]',
      pad_token: '[PAD]',
    },
  },
};

function unigramFolder(family: UnigramFamily, texts: readonly string[], vocabSize: number): TokenizerFolder {
  const normalizer = createNormalizer(family.normalizer, family.config, (problem) => {
    throw new Error(problem);
  })!;
  const words = new Map<string, number>();
  for (const text of texts) {
    for (const [word] of normalizer.normalize(text).matchAll(/\S+/g)) words.set(METASPACE + word, (words.get(METASPACE + word) ?? 0) + 1);
  }
  const specials = new Set([...family.leading, ...family.trailing]);
  const learnt = trainUnigram(words, { vocabSize }).filter(([piece]) => !specials.has(piece));
  const pieces: [string, number][] = [...family.leading.map((s): [string, number] => [s, 0]), ...learnt, ...family.trailing.map((s): [string, number] => [s, 0])];
  const idOf = (token: string) => pieces.findIndex(([piece]) => piece === token);
  const addedTokens = [...family.leading, ...family.trailing].map((content) => addedToken(content, idOf(content), { lstrip: content === family.mask }));
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const { cls, sep, pairTypeId: b } = family;
  const mask = { content: family.mask, single_word: false, lstrip: true, rstrip: false, normalized: false };
  return {
    tokenizer: savedTokenizer({
      added_tokens: addedTokens,
      normalizer: family.normalizer,
      pre_tokenizer: family.preTokenizer,
      post_processor: {
        type: 'TemplateProcessing',
        single: [special(cls, 0), sequence('A', 0), special(sep, 0)],
        pair: [special(cls, 0), sequence('A', 0), special(sep, 0), ...(family.doubleSep ? [special(sep, b)] : []), sequence('B', b), special(sep, b)],
        special_tokens: Object.fromEntries([cls, sep].map((token) => [token, { id: token, ids: [idOf(token)], tokens: [token] }])),
      },
      decoder: { type: 'Metaspace', replacement: METASPACE, prepend_scheme: 'always', split: true },
      model: { type: 'Unigram', unk_id: idOf(family.unk), vocab: pieces, byte_fallback: false },
    }),
    config: { ...family.config, model_max_length: 512, mask_token: { ...mask, __type: 'AddedToken' } },
    specialTokensMap: { ...Object.fromEntries(Object.entries(family.config).filter(([key]) => key.endsWith('_token'))), mask_token: mask },
  };
}

/** tokenizer.json as the tokenizers library saves it: no truncation or padding, then the pipeline. */
function savedTokenizer(pipeline: Json): Json {
  return { version: '1.0', truncation: null, padding: null, ...pipeline };
}

function addedToken(content: string, id: number, flags: { lstrip?: boolean; normalized?: boolean } = {}): Json {
  return { id, content, single_word: false, lstrip: flags.lstrip ?? false, rstrip: false, normalized: flags.normalized ?? false, special: true };
}
