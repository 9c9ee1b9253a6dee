/**
 * Throughput of our WordPieceTokenizer against transformers.js's tokenizer, same tokenizer files,
 * same process, over every sentence of the CORD-19 sample.
 *
 *   npx vite-node bench/tokenize.bench.ts [MODEL_DIR]
 *   node dist/bench/tokenize.bench.js [MODEL_DIR]      (after npm run build)
 *
 * Without MODEL_DIR it writes bert-base-uncased's tokenizer files to a temporary directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WordPieceTokenizer } from '../src/pipeline/tokenizers/wordpiece-tokenizer.js';
import { cord19Sentences, transformersJsTokenizer, writeUncasedTokenizerDir } from '../test/support/tokenizer-fixtures.js';
import { compare, type Tokenize } from './support/tokenizers.js';

async function main(): Promise<void> {
  const modelDir = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), 'kgqa-tokenize-bench-')), 'bert-base-uncased');
  if (!process.argv[2]) writeUncasedTokenizerDir(modelDir);
  const sentences = cord19Sentences();

  let started = performance.now();
  const ours = await WordPieceTokenizer.fromModelDir(modelDir);
  const oursLoadMs = performance.now() - started;
  started = performance.now();
  const library = await transformersJsTokenizer(modelDir);
  const libraryLoadMs = performance.now() - started;
  console.log(`model dir ${modelDir}`);
  console.log(`load: ours ${oursLoadMs.toFixed(0)} ms, transformers.js ${libraryLoadMs.toFixed(0)} ms`);

  const oursTokenize: Tokenize = (text) => ours.tokenize(text).ids.length;
  const libraryTokenize: Tokenize = (text) => library.encode(text, { add_special_tokens: false }).length;
  const rounds = 15;
  compare('all CORD-19 sentences', sentences, oursTokenize, libraryTokenize, rounds);
  // These take the char-by-char alignment path instead of the printable-ASCII shortcut.
  const nonAscii = sentences.filter((sentence) => !/^[\x20-\x7E]*$/.test(sentence));
  compare('sentences with non-ASCII chars', nonAscii, oursTokenize, libraryTokenize, rounds);
}

await main();
