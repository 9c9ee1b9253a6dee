/**
 * A passage is read as its sentences' stored tokens laid end to end. For every tokenizer family (and the variants
 * of the space marker real folders come in) that must be exactly tokenizing the passage text: same ids, offsets
 * into the passage text. Byte-level BPE and SentencePiece mark a word's leading space in its token, so this only
 * holds because sentences after the first of their article are stored as continuations.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { passageOf, type SentenceRecord } from '../src/domain.js';
import { writeTokenizerFolder, TOKENIZER_FAMILIES } from '../src/model-generator/tokenizer-training/family-tokenizers.js';
import { joinPassageTokens, storedSentenceTokens } from '../src/pipeline/passage-tokens.js';
import { loadTokenizer } from '../src/pipeline/tokenizers/load-tokenizer.js';
import type { Tokenizer } from '../src/pipeline/tokenizers/tokenizer.js';
import { temporaryDir } from './support/cli.js';
import { Rng } from './support/seeded-rng.js';
import { cord19Sentences } from './support/tokenizer-fixtures.js';

type JsonObject = Record<string, any>;

const VARIANTS: { name: string; family: (typeof TOKENIZER_FAMILIES)[number]; edit?: (tokenizer: JsonObject) => void }[] = [
  ...TOKENIZER_FAMILIES.map((family) => ({ name: family, family })),
  { name: 'roberta with add_prefix_space', family: 'roberta', edit: (tokenizer) => (tokenizer.pre_tokenizer.add_prefix_space = true) },
  { name: 'xlm-roberta with prepend_scheme first', family: 'xlm-roberta', edit: (tokenizer) => (tokenizer.pre_tokenizer.prepend_scheme = 'first') },
];

let root: string;
let texts: string[];
const tokenizers = new Map<string, Tokenizer>();

beforeAll(async () => {
  root = temporaryDir('kgqa-passage-tokens-');
  texts = cord19Sentences();
  for (const family of new Set(VARIANTS.map((v) => v.family))) writeTokenizerFolder(family, join(root, family), texts);
  for (const variant of VARIANTS) {
    const dir = join(root, variant.name.replace(/\W+/g, '-'));
    if (variant.edit) {
      cpSync(join(root, variant.family), dir, { recursive: true });
      const tokenizer = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as JsonObject;
      variant.edit(tokenizer);
      writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    }
    tokenizers.set(variant.name, await loadTokenizer(variant.edit ? dir : join(root, variant.family)));
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Passages of 1 to 4 consecutive sample sentences, starting at an article's first sentence or later. */
function passages(count: number): SentenceRecord[][] {
  const rng = new Rng(5);
  return Array.from({ length: count }, (_, n) => {
    const size = rng.int(1, 4);
    const at = rng.int(0, texts.length - size);
    const first = n % 3 === 0 ? 0 : rng.int(1, 30);
    return texts.slice(at, at + size).map((text, i) => {
      const position = first + i;
      return { key: `a${n}#${position}`, articleId: `a${n}`, position, text, start: 0, end: text.length, conceptIds: [], mentions: [] };
    });
  });
}

describe.each(VARIANTS)('$name', ({ name }) => {
  test('stored sentence tokens laid end to end are the tokens of the passage text, offsets into it', () => {
    const tokenizer = tokenizers.get(name)!;
    const wrong = passages(400).filter((sentences) => {
      const passage = passageOf(sentences);
      const joined = joinPassageTokens(tokenizer, passage, (i) => storedSentenceTokens(tokenizer, sentences[i]));
      return JSON.stringify(joined) !== JSON.stringify(tokenizer.tokenize(passage.text));
    });
    expect(wrong.map((s) => passageOf(s).text)).toEqual([]);
  });

  test('sentences tokenized alone would not do where a space changes a token (byte-level BPE); they do for WordPiece', () => {
    const tokenizer = tokenizers.get(name)!;
    const differing = passages(100).filter((sentences) => {
      const passage = passageOf(sentences);
      const alone = joinPassageTokens(tokenizer, passage, (i) => tokenizer.tokenize(sentences[i].text));
      return JSON.stringify(alone) !== JSON.stringify(tokenizer.tokenize(passage.text));
    });
    if (name === 'roberta') expect(differing.length).toBeGreaterThan(50);
    if (!tokenizer.leadingSpaceChangesTokens) expect(differing).toEqual([]);
  });
});
