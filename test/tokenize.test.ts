import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TokenizedText } from '../src/pipeline/tokenizers/tokenizer.js';
import { WordPieceTokenizer } from '../src/pipeline/tokenizers/wordpiece-tokenizer.js';
import { temporaryDir } from './support/cli.js';
import { cord19Sentences, transformersJsTokenizer, writeUncasedTokenizerDir } from './support/tokenizer-fixtures.js';
import { fuzzStrings, TRICKY_STRINGS } from './support/tricky-strings.js';

type LibraryTokenizer = Awaited<ReturnType<typeof transformersJsTokenizer>>;
type JsonObject = Record<string, any>;

/** Tokenizer variants: tokenizer.json normalizer settings, or a vocab.txt-only directory. */
const VARIANTS = ['uncased', 'cased', 'keep-accents', 'no-clean-no-cjk', 'no-normalizer', 'extra-tokens', 'vocab-txt'] as const;
type Variant = (typeof VARIANTS)[number];

const FUZZ_STRINGS = fuzzStrings(3000, 42);
let root: string;
let sentences: string[];
const ours = new Map<Variant, WordPieceTokenizer>();
const library = new Map<Variant, LibraryTokenizer>();

function writeVariant(name: Variant): string {
  const dir = join(root, name);
  writeUncasedTokenizerDir(dir);
  const path = join(dir, 'tokenizer.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
  switch (name) {
    case 'cased':
      json.normalizer = { ...json.normalizer, lowercase: false, strip_accents: null };
      break;
    case 'keep-accents':
      json.normalizer = { ...json.normalizer, strip_accents: false };
      break;
    case 'no-clean-no-cjk': // and strip_accents unset, so it follows lowercase
      json.normalizer = { ...json.normalizer, clean_text: false, handle_chinese_chars: false, strip_accents: null };
      break;
    case 'no-normalizer':
      json.normalizer = null;
      break;
    case 'extra-tokens': {
      const next = Object.keys(json.model.vocab).length;
      // Astral pieces: words of them are up to twice as long in UTF-16 units as in chars.
      json.model.vocab['𝛼'] = next + 3;
      json.model.vocab['##𝛼'] = next + 4;
      json.added_tokens.push(
        { id: next, content: 'SARS-CoV-2', special: false, normalized: true },
        { id: next + 1, content: '<Gene>', special: false, normalized: false },
        { id: next + 2, content: '##ase', special: false, normalized: true },
      );
      break;
    }
  }
  writeFileSync(path, JSON.stringify(json));
  return dir;
}

beforeAll(async () => {
  root = temporaryDir('kgqa-tokenize-');
  sentences = cord19Sentences();
  for (const variant of VARIANTS) {
    const dir = writeVariant(variant);
    // The library needs tokenizer.json: the vocab-txt variant is held to the same files' tokenizer.json.
    library.set(variant, await transformersJsTokenizer(dir));
    if (variant === 'vocab-txt') rmSync(join(dir, 'tokenizer.json'));
    ours.set(variant, await WordPieceTokenizer.fromModelDir(dir));
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function libraryIds(variant: Variant, text: string): number[] {
  return library.get(variant)!.encode(text, { add_special_tokens: false });
}

function mismatches(variant: Variant, texts: string[]): { text: string; expected: number[]; actual: number[] }[] {
  return texts
    .map((text) => ({ text, expected: libraryIds(variant, text), actual: ours.get(variant)!.tokenize(text).ids }))
    .filter(({ expected, actual }) => expected.join() !== actual.join());
}

describe('ids equal transformers.js', () => {
  test('the CORD-19 sample has thousands of sentences', () => {
    expect(sentences.length).toBeGreaterThan(2000);
  });

  for (const variant of VARIANTS) {
    test(`${variant}: every CORD-19 sentence`, () => {
      expect(mismatches(variant, sentences)).toEqual([]);
    });

    test(`${variant}: tricky strings`, () => {
      expect(mismatches(variant, TRICKY_STRINGS)).toEqual([]);
    });

    test(`${variant}: random strings of tricky chars`, () => {
      expect(mismatches(variant, FUZZ_STRINGS)).toEqual([]);
    });
  }

  test('the tricky strings do exercise the edge cases', () => {
    const tokenizer = ours.get('uncased')!;
    const { unk, sep, cls, mask } = tokenizer.special;
    expect(tokenizer.tokenize('').ids).toEqual([]);
    expect(tokenizer.tokenize('  \t\n ').ids).toEqual([]);
    expect(tokenizer.tokenize('b'.repeat(101)).ids).toEqual([unk]);
    expect(tokenizer.tokenize('a'.repeat(100)).ids).not.toContain(unk);
    expect(tokenizer.tokenize('[SEP] x [CLS][MASK]').ids).toEqual([sep, expect.any(Number), cls, mask]);
    expect(tokenizer.tokenize('Café').ids).toEqual(tokenizer.tokenize('cafe').ids);
    expect(ours.get('cased')!.tokenize('Café').ids).not.toEqual(tokenizer.tokenize('cafe').ids);
    expect(ours.get('extra-tokens')!.tokenize('𝛼'.repeat(60)).ids).toHaveLength(60);
  });
});

describe('offsets', () => {
  /** Tokens' strings, from the library's own vocabulary. */
  function tokenString(variant: Variant, id: number): string {
    return library.get(variant)!._tokenizer.id_to_token(id) as string;
  }

  function normalize(variant: Variant, text: string): string {
    return library.get(variant)!._tokenizer.normalizer(text) as string;
  }

  const BERT_WORD = /[^\s\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]+|[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/gu;

  /** Whether text[start, end) is a whole word: widening it either adds nothing or crosses a word boundary. */
  function isWholeWord(variant: Variant, text: string, start: number, end: number): boolean {
    const word = normalize(variant, text.slice(start, end)).trim(); // trim: CJK chars come padded
    if (word.match(BERT_WORD)?.length !== 1 || word.match(BERT_WORD)![0] !== word) return false;
    const widenedStays = (from: number, to: number): boolean => {
      const widened = normalize(variant, text.slice(from, to));
      const words = widened.match(BERT_WORD) ?? [];
      return widened === word || !(words.length === 1 && words[0] !== word);
    };
    for (let from = start; from > 0; ) {
      from -= text.codePointAt(from - 2)! > 0xffff ? 2 : 1;
      if (!widenedStays(from, end)) return false;
      if (normalize(variant, text.slice(from, end)) !== word) break;
    }
    for (let to = end; to < text.length; ) {
      to += text.codePointAt(to)! > 0xffff ? 2 : 1;
      if (!widenedStays(start, to)) return false;
      if (normalize(variant, text.slice(start, to)) !== word) break;
    }
    return true;
  }

  /** Problems with the offsets of `tokenized` for `text`; empty when all is well. */
  function offsetProblems(variant: Variant, text: string, tokenized: TokenizedText): string[] {
    const tokenizer = ours.get(variant)!;
    const problems: string[] = [];
    const { ids, offsets } = tokenized;
    if (offsets.length !== 2 * ids.length) return [`${ids.length} ids but ${offsets.length} offsets`];
    for (let i = 0; i < ids.length; i++) {
      const [start, end] = [offsets[2 * i], offsets[2 * i + 1]];
      const where = `token ${i} (${tokenString(variant, ids[i])}) at [${start}, ${end}) of ${JSON.stringify(text)}`;
      if (!(start >= 0 && start < end && end <= text.length)) problems.push(`${where}: outside the text or empty`);
      if (i > 0 && (start < offsets[2 * i - 2] || end < offsets[2 * i - 1])) problems.push(`${where}: goes backwards`);
      const slice = text.slice(start, end);
      if (ids[i] === tokenizer.special.unk && slice !== '[UNK]') {
        if (!isWholeWord(variant, text, start, end)) problems.push(`${where}: [UNK] is not a whole word: ${JSON.stringify(slice)}`);
      } else if (tokenizer.specialIds.has(ids[i])) {
        if (slice !== tokenString(variant, ids[i])) problems.push(`${where}: covers ${JSON.stringify(slice)}`);
      } else {
        // Final sigma depends on the letters around the slice, so σ and ς compare equal.
        const expected = tokenString(variant, ids[i]).replace(/^##/, '').replace(/ς/g, 'σ');
        const actual = normalize(variant, slice).trim().replace(/ς/g, 'σ');
        // A piece of one char's normalized form (Hangul syllable -> jamo under NFD) can only cover that
        // char (and the dropped chars after it).
        const firstChar = String.fromCodePoint(slice.codePointAt(0)!);
        const insideOneChar = normalize(variant, firstChar).trim() === actual && actual.includes(expected);
        if (actual !== expected && !insideOneChar) {
          problems.push(`${where}: covers ${JSON.stringify(slice)}, normalized ${JSON.stringify(actual)}`);
        }
      }
    }
    return problems;
  }

  for (const variant of ['uncased', 'cased', 'keep-accents', 'no-clean-no-cjk'] as const) {
    test(`${variant}: every token's offsets cover its text, in every CORD-19 sentence, tricky and random string`, () => {
      const problems = [...sentences, ...TRICKY_STRINGS, ...FUZZ_STRINGS].flatMap((text) => offsetProblems(variant, text, ours.get(variant)!.tokenize(text)));
      expect(problems).toEqual([]);
    });
  }

  test('added tokens, matched before or after normalizing, cover their text', () => {
    const tokenizer = ours.get('extra-tokens')!;
    const text = 'Hello sars-cov-2 <Gene> x';
    const { ids, offsets } = tokenizer.tokenize(text);
    const spans = ids.map((_, i) => text.slice(offsets[2 * i], offsets[2 * i + 1]));
    expect(spans).toEqual(['Hello', 'sars-cov-2', '<Gene>', 'x']);
  });

  test('offsets point into the original text when normalization changes its length', () => {
    const tokenizer = ours.get('uncased')!;
    const text = 'İstanbul\u0000 Ångström e\u0301clair 中文';
    const { offsets } = tokenizer.tokenize(text);
    const spans = [];
    for (let i = 0; i < offsets.length; i += 2) spans.push(text.slice(offsets[i], offsets[i + 1]));
    // istanbul, ang ##strom, ec ##lai ##r: İ lowercases to two units, Å and ö decompose, the NUL and
    // the combining accent are dropped and stay with the char before them.
    expect(spans).toEqual(['İstanbul\u0000', 'Ång', 'ström', 'e\u0301c', 'lai', 'r', '中', '文']);
  });

  test('an unknown word spans the whole original word', () => {
    const tokenizer = ours.get('uncased')!;
    const text = `see ${'é'.repeat(101)}, then`;
    const { ids, offsets } = tokenizer.tokenize(text);
    expect(ids[1]).toBe(tokenizer.special.unk);
    expect([offsets[2], offsets[3]]).toEqual([4, 105]);
  });
});

describe('fingerprint', () => {
  test('same files give the same fingerprint, wherever they are', async () => {
    const copy = join(root, 'uncased-copy');
    cpSync(join(root, 'uncased'), copy, { recursive: true });
    const again = await WordPieceTokenizer.fromModelDir(copy);
    expect(again.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(again.fingerprint).toBe(ours.get('uncased')!.fingerprint);
  });

  test('vocab.txt and the equivalent tokenizer.json give the same fingerprint', () => {
    expect(ours.get('vocab-txt')!.fingerprint).toBe(ours.get('uncased')!.fingerprint);
  });

  test('one changed token, or changed normalization, changes it', async () => {
    const dir = join(root, 'one-token-changed');
    cpSync(join(root, 'uncased'), dir, { recursive: true });
    const path = join(dir, 'tokenizer.json');
    const json = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
    const id = json.model.vocab.protein as number;
    expect(id).toBeTypeOf('number');
    expect(json.model.vocab.proteinx).toBeUndefined();
    delete json.model.vocab.protein;
    json.model.vocab.proteinx = id;
    writeFileSync(path, JSON.stringify(json));
    const changed = await WordPieceTokenizer.fromModelDir(dir);
    const fingerprints = new Set([...ours.values()].map((t) => t.fingerprint));
    expect(fingerprints.size).toBe(VARIANTS.length - 1); // vocab-txt equals uncased
    expect(fingerprints.has(changed.fingerprint)).toBe(false);
  });
});

describe('model directory', () => {
  test('special tokens, specialIds and maxSequenceLength come from the files', () => {
    const tokenizer = ours.get('uncased')!;
    expect(tokenizer.special).toEqual({ cls: 101, sep: 102, pad: 0, unk: 100, mask: 103 });
    expect([...tokenizer.specialIds].sort((a, b) => a - b)).toEqual([0, 100, 101, 102, 103]);
    expect(tokenizer.maxSequenceLength).toBe(512);
  });

  test('missing directory', async () => {
    const dir = join(root, 'nowhere');
    await expect(WordPieceTokenizer.fromModelDir(dir)).rejects.toThrow(`tokenizer directory ${dir} does not exist`);
  });

  test('directory without tokenizer files', async () => {
    const dir = join(root, 'empty');
    mkdirSync(dir);
    await expect(WordPieceTokenizer.fromModelDir(dir)).rejects.toThrow(`tokenizer directory ${dir} has neither tokenizer.json nor vocab.txt`);
  });

  test('vocab.txt without tokenizer_config.json', async () => {
    const dir = join(root, 'vocab-only');
    mkdirSync(dir);
    cpSync(join(root, 'uncased', 'vocab.txt'), join(dir, 'vocab.txt'));
    await expect(WordPieceTokenizer.fromModelDir(dir)).rejects.toThrow(`${join(dir, 'tokenizer_config.json')} is missing`);
  });

  test('malformed tokenizer.json', async () => {
    const dir = join(root, 'malformed');
    mkdirSync(dir);
    const path = join(dir, 'tokenizer.json');
    writeFileSync(path, '{"model": {"type": "WordPiece", "vocab": {');
    await expect(WordPieceTokenizer.fromModelDir(dir)).rejects.toThrow(`${path}: malformed JSON`);
  });

  test('tokenizer.json of another kind of tokenizer', async () => {
    const dir = join(root, 'bpe');
    mkdirSync(dir);
    const path = join(dir, 'tokenizer.json');
    writeFileSync(path, JSON.stringify({ model: { type: 'BPE', vocab: {}, merges: [] }, pre_tokenizer: { type: 'ByteLevel' } }));
    await expect(WordPieceTokenizer.fromModelDir(dir)).rejects.toThrow(`${path}: model type "BPE" is not WordPiece`);
  });

  test('a special token missing from the vocabulary', async () => {
    const dir = join(root, 'no-mask');
    cpSync(join(root, 'uncased'), dir, { recursive: true });
    const path = join(dir, 'tokenizer_config.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), mask_token: '<mask>' }));
    await expect(WordPieceTokenizer.fromModelDir(dir)).rejects.toThrow(`${join(dir, 'tokenizer.json')}: mask_token "<mask>" is not in the vocabulary`);
  });
});
