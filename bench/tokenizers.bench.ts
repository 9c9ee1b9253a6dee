/**
 * Throughput of every tokenizer implementation (WordPiece, byte-level BPE, Unigram) against transformers.js's
 * tokenizer on the same files, over every sentence of the CORD-19 sample: one folder per family, generated
 * from the sample itself (as test/tokenizer-contract.test.ts does).
 *
 *   npx vite-node bench/tokenizers.bench.ts
 *   node dist/bench/tokenizers.bench.js      (after npm run build)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '../src/pipeline/tokenizers/load-tokenizer.js';
import { TOKENIZER_FAMILIES, writeTokenizerFolder } from '../src/model-generator/tokenizer-training/family-tokenizers.js';
import { cord19Sentences, transformersJsTokenizer } from '../test/support/tokenizer-fixtures.js';
import { compare } from './support/tokenizers.js';

const root = mkdtempSync(join(tmpdir(), 'kgqa-tokenizers-bench-'));
const sentences = cord19Sentences();
for (const family of TOKENIZER_FAMILIES.filter((f) => f !== 'distilbert-cased')) {
  const dir = join(root, family);
  writeTokenizerFolder(family, dir, sentences);
  const ours = await loadTokenizer(dir);
  const library = await transformersJsTokenizer(dir);
  compare(family, sentences, (text) => ours.tokenize(text).ids.length, (text) => library.encode(text, { add_special_tokens: false }).length, 15);
}
