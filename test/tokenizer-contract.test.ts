/**
 * The Tokenizer contract, run on every implementation (WordPiece, byte-level BPE, Unigram) over tokenizer folders
 * of every QA model family, generated from the CORD-19 sample as the Hugging Face tokenizers library lays them out:
 * ids identical to transformers.js's AutoTokenizer on the same files, offsets that cover exactly what each token
 * stands for, and pairs laid out as transformers.js's tokenizer(question, { text_pair }) lays them out.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cord19Sentences, transformersJsTokenizer } from './support/tokenizer-fixtures.js';
import { assembleBatch } from '../src/pipeline/assemble.js';
import { BYTE_CHARS } from '../src/pipeline/tokenizers/byte-level.js';
import { loadTokenizer } from '../src/pipeline/tokenizers/load-tokenizer.js';
import type { TokenizedText, Tokenizer } from '../src/pipeline/tokenizers/tokenizer.js';
import { writeTokenizerFolder, type TokenizerFamily } from '../src/model-generator/tokenizer-training/family-tokenizers.js';
import { temporaryDir } from './support/cli.js';
import { fuzzStrings, TRICKY_STRINGS } from './support/tricky-strings.js';

type JsonObject = Record<string, any>;
type LibraryTokenizer = Awaited<ReturnType<typeof transformersJsTokenizer>>;

interface Case {
  name: string;
  family: TokenizerFamily;
  /** Changes to the family's files, for the variants real folders come in. */
  edit?: (tokenizer: JsonObject, config: JsonObject) => void;
  /** Cases whose tokenize() must give the same ids share a group, and so a fingerprint. */
  group?: string;
}

const CASES: Case[] = [
  { name: 'bert-uncased', family: 'bert-uncased', group: 'bert-uncased' },
  { name: 'electra', family: 'electra', group: 'bert-uncased' },
  {
    name: 'bert-uncased with BertProcessing',
    family: 'bert-uncased',
    group: 'bert-uncased',
    edit: (tokenizer) => (tokenizer.post_processor = { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] }),
  },
  { name: 'bert-cased', family: 'bert-cased', group: 'bert-cased' },
  { name: 'distilbert-cased', family: 'distilbert-cased', group: 'bert-cased' },
  { name: 'roberta', family: 'roberta' },
  {
    name: 'roberta with array merges, add_prefix_space and a template',
    family: 'roberta',
    edit: (tokenizer, config) => {
      tokenizer.model.merges = tokenizer.model.merges.map((merge: string) => merge.split(' '));
      tokenizer.pre_tokenizer.add_prefix_space = true;
      config.add_prefix_space = true;
      const special = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
      tokenizer.post_processor = {
        type: 'TemplateProcessing',
        single: [special('<s>'), { Sequence: { id: 'A', type_id: 0 } }, special('</s>')],
        pair: [special('<s>'), { Sequence: { id: 'A', type_id: 0 } }, special('</s>'), special('</s>'), { Sequence: { id: 'B', type_id: 0 } }, special('</s>')],
        special_tokens: {},
      };
    },
  },
  { name: 'xlm-roberta', family: 'xlm-roberta' },
  { name: 'xlm-roberta with prepend_scheme first', family: 'xlm-roberta', edit: (tokenizer) => (tokenizer.pre_tokenizer.prepend_scheme = 'first') },
  { name: 'albert', family: 'albert' },
  { name: 'deberta-v3', family: 'deberta-v3' },
  {
    name: 'deberta-v3 with split_by_punct',
    family: 'deberta-v3',
    edit: (tokenizer, config) => {
      tokenizer.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Punctuation', behavior: 'Isolated' }, tokenizer.pre_tokenizer] };
      config.split_by_punct = true;
    },
  },
];

const FUZZ_STRINGS = fuzzStrings(2000, 7);
const BYTE_OF = new Map(BYTE_CHARS.map((char, byte) => [char, byte]));
const encoder = new TextEncoder();

let root: string;
let sentences: string[];
const ours = new Map<string, Tokenizer>();
const library = new Map<string, LibraryTokenizer>();

beforeAll(async () => {
  root = temporaryDir('kgqa-tokenizers-');
  sentences = cord19Sentences();
  for (const family of new Set(CASES.map((c) => c.family))) writeTokenizerFolder(family, join(root, 'families', family), sentences);
  for (const c of CASES) {
    const dir = join(root, 'cases', c.name.replace(/\W+/g, '-'));
    cpSync(join(root, 'families', c.family), dir, { recursive: true });
    if (c.edit) {
      const tokenizer = readJson(join(dir, 'tokenizer.json'));
      const config = readJson(join(dir, 'tokenizer_config.json'));
      c.edit(tokenizer, config);
      writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
      writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    }
    ours.set(c.name, await loadTokenizer(dir));
    library.set(c.name, await transformersJsTokenizer(dir));
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function readJson(path: string): JsonObject {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
}

/** transformers.js's tokenizer internals, for the token strings and the normalizer it applies. */
function internals(name: string): { idToToken(id: number): string; normalize(text: string): string } {
  const tokenizer = (library.get(name) as any)._tokenizer;
  const removeSpace = tokenizer.remove_space === true;
  return {
    idToToken: (id) => tokenizer.id_to_token(id),
    normalize: (text) => {
      if (removeSpace) text = text.trim().split(/\s+/).join(' ');
      return tokenizer.normalizer ? tokenizer.normalizer(text) : text;
    },
  };
}

function mismatches(name: string, texts: string[]) {
  return texts
    .map((text) => ({ text, expected: library.get(name)!.encode(text, { add_special_tokens: false }), actual: ours.get(name)!.tokenize(text).ids }))
    .filter(({ expected, actual }) => expected.join() !== actual.join());
}

describe.each(CASES)('$name', (c) => {
  test('ids equal transformers.js on every CORD-19 sentence', () => {
    expect(sentences.length).toBeGreaterThan(2000);
    expect(mismatches(c.name, sentences)).toEqual([]);
  });

  test('ids equal transformers.js on tricky and random strings', () => {
    expect(mismatches(c.name, [...TRICKY_STRINGS, ...FUZZ_STRINGS])).toEqual([]);
  });

  test("every token's offsets cover exactly what it stands for", () => {
    const texts = [...sentences, ...TRICKY_STRINGS, ...FUZZ_STRINGS];
    expect(texts.flatMap((text) => offsetProblems(c.name, text, ours.get(c.name)!.tokenize(text)))).toEqual([]);
  });

  test('a (question, context) pair is laid out as transformers.js lays it out, token types only where it gives them', () => {
    const reference = library.get(c.name)!;
    const tokenizer = ours.get(c.name)!;
    const pairs: [string, string][] = sentences.slice(0, 300).map((sentence, i) => [sentences[i + 300], sentence]);
    // (An empty context is no pair at all to transformers.js: it tests text_pair for truthiness.)
    pairs.push(['What is <mask>?', TRICKY_STRINGS[3]], [' leading', '  trailing  '], ['x', ' ']);
    for (const [question, context] of pairs) {
      const expected = reference(question, { text_pair: context, return_tensor: false }) as unknown as { input_ids: number[]; token_type_ids?: number[] };
      const batch = assembleBatch([{ question: tokenizer.tokenize(question).ids, context: tokenizer.tokenize(context).ids }], {
        layout: tokenizer.pairLayout,
        maxSequenceLength: Infinity,
        maxQuestionTokens: Infinity,
      });
      expect(Array.from(batch.inputIds, Number)).toEqual(expected.input_ids);
      expect(tokenizer.pairLayout.tokenTypeIds).toBe(expected.token_type_ids !== undefined);
      expect(Array.from(batch.tokenTypeIds, Number)).toEqual(expected.token_type_ids ?? expected.input_ids.map(() => 0));
    }
  });

  test('special ids hold the layout and the special added tokens', () => {
    const tokenizer = ours.get(c.name)!;
    const { beforeQuestion, betweenTexts, afterContext } = tokenizer.pairLayout;
    for (const id of [...beforeQuestion.ids, ...betweenTexts.ids, ...afterContext.ids]) expect(tokenizer.specialIds.has(id)).toBe(true);
    const added = readJson(join(root, 'families', c.family, 'tokenizer.json')).added_tokens as { id: number; special: boolean }[];
    for (const token of added.filter((t) => t.special)) expect(tokenizer.specialIds.has(token.id)).toBe(true);
    expect(tokenizer.maxSequenceLength).toBe(512);
  });
});

/**
 * Problems with the offsets of `tokenized`: each token must cover what it stands for (its bytes, once
 * normalized, starting inside the first char covered and ending inside the last), whitespace-only tokens cover
 * whitespace or nothing, added tokens their own text, and no char that normalizes to something is left out.
 */
function offsetProblems(name: string, text: string, tokenized: TokenizedText): string[] {
  const { idToToken, normalize } = internals(name);
  const tokenizer = ours.get(name)!;
  const unk = library.get(name)!.unk_token_id;
  const { ids, offsets } = tokenized;
  if (offsets.length !== 2 * ids.length) return [`${ids.length} ids but ${offsets.length} offsets`];
  const problems: string[] = [];
  const covered = new Uint8Array(text.length);
  let lastEnd = 0;
  for (let i = 0; i < ids.length; i++) {
    const [start, end] = [offsets[2 * i], offsets[2 * i + 1]];
    const token = idToToken(ids[i]);
    const where = `token ${i} ${JSON.stringify(token)} at [${start}, ${end}) of ${JSON.stringify(text)}`;
    if (!(start >= 0 && start <= end && end <= text.length)) problems.push(`${where}: outside the text`);
    // An empty range (a lone prepended "▁") may sit inside the char before it; other ends never go back.
    if (i > 0 && start < offsets[2 * i - 2]) problems.push(`${where}: starts before the token before it`);
    if (start < end && end < lastEnd) problems.push(`${where}: ends before a token before it`);
    if (start < end) lastEnd = end;
    covered.fill(1, start, end);
    const slice = text.slice(start, end);
    const surface = surfaceBytes(name, token);
    if (ids[i] === unk) {
      if (normalize(slice).trim() === '') problems.push(`${where}: unknown token covers ${JSON.stringify(slice)}`);
    } else if (tokenizer.specialIds.has(ids[i]) && slice === token) {
      continue;
    } else if (trimBytes(surface).length === 0) {
      if (normalize(slice).trim() !== '') problems.push(`${where}: whitespace token covers ${JSON.stringify(slice)}`);
    } else if (!coversTightly(slice, trimBytes(surface), normalize)) {
      problems.push(`${where}: covers ${JSON.stringify(slice)}, normalized ${JSON.stringify(normalize(slice))}`);
    }
  }
  for (let i = 0; i < text.length; i++) {
    const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
    if (!covered[i] && normalize(text.slice(i, i + width)).trim() !== '') problems.push(`char ${i} ${JSON.stringify(text.slice(i, i + width))} of ${JSON.stringify(text)} is in no token`);
    i += width - 1;
  }
  return problems;
}

/** The UTF-8 bytes a token stands for: byte-level chars decoded, "▁" and "##" taken for a space and nothing. */
function surfaceBytes(name: string, token: string): Uint8Array {
  if (CASES.find((c) => c.name === name)!.family === 'roberta') return Uint8Array.from([...token].map((char) => BYTE_OF.get(char)!));
  return encoder.encode(token.replace(/^##/, '').replaceAll('\u2581', ' '));
}

function trimBytes(bytes: Uint8Array): Uint8Array {
  let start = 0;
  let end = bytes.length;
  const space = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);
  while (start < end && space(bytes[start])) start++;
  while (end > start && space(bytes[end - 1])) end--;
  return bytes.subarray(start, end);
}

/**
 * Whether the normalized slice holds `expected` starting inside its first char's normalized bytes and ending
 * inside its last char's. A char here is a cluster, a char with the marks (and dropped controls) after it, as
 * normalization may compose them; clusters normalizing to nothing at either end do not count. Final sigma is
 * compared as sigma, since it depends on the letters around the slice.
 */
function coversTightly(slice: string, expected: Uint8Array, normalize: (text: string) => string): boolean {
  // A byte-level token may hold part of a char: its bytes are compared as they are, sigma included.
  const decoded = new TextDecoder().decode(expected);
  const partial = decoded.includes('\uFFFD');
  const sigma = (text: string) => (partial ? text : text.replaceAll('ς', 'σ'));
  const bytesOf = (text: string) => encoder.encode(sigma(normalize(text)).trim());
  // Chars normalizing to nothing (dropped controls) join the cluster they sit in, as marks do.
  const clusters: string[] = [];
  for (const char of slice) {
    const joins = /\p{M}/u.test(char) || normalize(char) === '';
    if (joins && clusters.length > 0 && !/^\s/u.test(clusters.at(-1)!)) clusters[clusters.length - 1] += char;
    else clusters.push(char);
  }
  while (clusters.length > 0 && bytesOf(clusters[0]).length === 0) clusters.shift();
  while (clusters.length > 0 && bytesOf(clusters.at(-1)!).length === 0) clusters.pop();
  const actual = Buffer.from(bytesOf(slice));
  const wanted = Buffer.from(partial ? expected : encoder.encode(sigma(decoded)));
  // Part of a whitespace char (a no-break space's first byte, say).
  if (clusters.length === 0) return Buffer.from(encoder.encode(slice)).includes(wanted);
  const first = Math.max(1, bytesOf(clusters[0]).length);
  const last = Math.max(1, bytesOf(clusters.at(-1)!).length);
  for (let at = actual.indexOf(wanted); at >= 0; at = actual.indexOf(wanted, at + 1)) {
    if (at < first && at + wanted.length > actual.length - last) return true;
  }
  return false;
}

describe('offsets, by example', () => {
  const spans = (name: string, text: string) => {
    const { offsets } = ours.get(name)!.tokenize(text);
    const result: string[] = [];
    for (let i = 0; i < offsets.length; i += 2) result.push(text.slice(offsets[i], offsets[i + 1]));
    return result;
  };

  test('byte-level tokens of one multi-byte char all cover that whole char', () => {
    const { ids, offsets } = ours.get('roberta')!.tokenize('😀');
    expect(ids.length).toBeGreaterThan(1);
    expect(offsets).toEqual(ids.flatMap(() => [0, 2]));
  });

  test('a leading space is not covered; an lstrip added token swallows the space before it', () => {
    expect(spans('roberta', 'the protein <mask> binds')).toEqual(['the', 'protein', '<mask>', 'binds']);
    expect(spans('xlm-roberta', 'the protein <mask> binds').slice(0, 3)).toEqual(['the', 'protein', '<mask>']);
  });

  test('a prepended "▁" on its own covers nothing, where its word starts', () => {
    const text = 'x (y';
    const { ids, offsets } = ours.get('albert')!.tokenize(text);
    const lone = ids.findIndex((id) => internals('albert').idToToken(id) === '\u2581');
    expect(lone).toBeGreaterThanOrEqual(0);
    expect(offsets[2 * lone]).toBe(offsets[2 * lone + 1]);
    expect(offsets[2 * lone]).toBe(offsets[2 * lone + 2]);
  });

  test('normalized text maps back to the original: NFKC, accents stripped, lowercased', () => {
    // Token by token the spans rebuild the words: nothing lost, nothing covered twice.
    expect(spans('albert', 'Ångström ＣＡＦÉ').join('')).toBe('ÅngströmＣＡＦÉ');
    // Two tokens holding parts of one char's normalized form ("ﬁ" is "fi") both cover that char.
    expect(spans('albert', 'ﬁne').join('|')).toMatch(/^(ﬁne|ﬁ\|ﬁne|ﬁ\|ﬁ\|ne)$/);
  });
});

describe('fingerprint', () => {
  test('cases that must give the same ids share a fingerprint, all others differ', () => {
    const groups = new Map<string, Set<string>>();
    for (const c of CASES) {
      const group = c.group ?? c.name;
      if (!groups.has(group)) groups.set(group, new Set());
      groups.get(group)!.add(ours.get(c.name)!.fingerprint);
    }
    for (const fingerprints of groups.values()) expect(fingerprints.size).toBe(1);
    expect(new Set([...groups.values()].map((f) => [...f][0])).size).toBe(groups.size);
  });

  test('one changed merge or piece score changes it; the same files elsewhere do not', async () => {
    for (const [family, change] of [
      ['roberta', (json: JsonObject) => json.model.merges.reverse()],
      ['albert', (json: JsonObject) => (json.model.vocab[100][1] -= 0.5)],
    ] as const) {
      const dir = join(root, 'changed', family);
      cpSync(join(root, 'families', family), dir, { recursive: true });
      const original = await loadTokenizer(dir);
      const json = readJson(join(dir, 'tokenizer.json'));
      change(json);
      writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
      expect(original.fingerprint).toBe(ours.get(family)!.fingerprint);
      expect((await loadTokenizer(dir)).fingerprint).not.toBe(original.fingerprint);
    }
  });
});

describe('tokenizer folders', () => {
  test('the same texts give byte-identical files', () => {
    for (const family of ['roberta', 'albert'] as const) {
      const dir = join(root, 'again', family);
      writeTokenizerFolder(family, dir, sentences);
      for (const file of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']) {
        expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(root, 'families', family, file), 'utf8'));
      }
    }
  });

  test('vocabularies are learnt, not trivial: common words are single tokens', () => {
    for (const name of ['roberta', 'xlm-roberta', 'albert', 'deberta-v3']) {
      const { ids } = ours.get(name)!.tokenize('the protein was found in the cells');
      expect(ids.length).toBeLessThanOrEqual(9);
    }
  });
});

describe('loading', () => {
  const withJson = (name: string, change: (json: JsonObject) => void): string => {
    const dir = join(root, 'broken', name);
    cpSync(join(root, 'families', 'xlm-roberta'), dir, { recursive: true });
    const json = readJson(join(dir, 'tokenizer.json'));
    change(json);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
    return dir;
  };

  test.each([
    ['an unknown model type', (json: JsonObject) => (json.model.type = 'WordLevel'), 'model type "WordLevel" is not supported (WordPiece, BPE, Unigram)'],
    ['an unknown normalizer', (json: JsonObject) => (json.normalizer = { type: 'Mystery' }), 'normalizer "Mystery" is not supported with BPE or Unigram models'],
    ['an unknown pre-tokenizer', (json: JsonObject) => (json.pre_tokenizer = { type: 'Mystery' }), 'pre_tokenizer "Mystery" is not supported with BPE or Unigram models'],
    ['a splitter after Metaspace', (json: JsonObject) => (json.pre_tokenizer = { type: 'Sequence', pretokenizers: [json.pre_tokenizer, { type: 'WhitespaceSplit' }] }), 'pre_tokenizer "WhitespaceSplit" after Metaspace or ByteLevel is not supported'],
    ['a pair template with B first', (json: JsonObject) => json.post_processor.pair.reverse(), 'post_processor pair template must hold sequence A then B, not B, A'],
    ['a template naming an unknown token', (json: JsonObject) => (json.post_processor.pair[0].SpecialToken.id = '<nope>'), 'post_processor pair template names "<nope>", which is not in the vocabulary'],
    ['a Unigram unk_id out of range', (json: JsonObject) => (json.model.unk_id = 1e9), '"model.unk_id" must be the index of a piece'],
  ])('%s is a clear one-line error', async (name, change, message) => {
    const dir = withJson(name.replace(/\W+/g, '-'), change);
    await expect(loadTokenizer(dir)).rejects.toThrow(`${join(dir, 'tokenizer.json')}: ${message}`);
  });

  test('a folder without tokenizer files', async () => {
    const dir = join(root, 'empty');
    mkdirSync(dir, { recursive: true });
    await expect(loadTokenizer(dir)).rejects.toThrow(`tokenizer directory ${dir} has neither tokenizer.json nor vocab.txt`);
  });
});
