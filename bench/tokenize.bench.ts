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

type Tokenize = (text: string) => number;
interface Pass {
  seconds: number;
  tokens: number;
}

function pass(texts: string[], tokenize: Tokenize): Pass {
  const started = performance.now();
  let tokens = 0;
  for (const text of texts) tokens += tokenize(text);
  return { seconds: (performance.now() - started) / 1000, tokens };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Interleaves passes of ours and the library's, so both see the same machine load, and compares
 * them round by round: the median of per-round ratios shrugs off a busy neighbour better than
 * comparing each side's own median.
 */
function compare(name: string, texts: string[], ours: Tokenize, library: Tokenize, rounds: number): void {
  pass(texts, ours);
  pass(texts, library); // warm-up: JIT and caches
  const oursPasses: Pass[] = [];
  const libraryPasses: Pass[] = [];
  for (let round = 0; round < rounds; round++) {
    oursPasses.push(pass(texts, ours));
    libraryPasses.push(pass(texts, library));
  }
  const line = (who: string, passes: Pass[]) => {
    const seconds = median(passes.map((p) => p.seconds));
    const sentencesPerSecond = (texts.length / seconds).toFixed(0).padStart(7);
    const tokensPerSecond = (passes[0].tokens / seconds).toFixed(0).padStart(9);
    return `  ${who.padEnd(16)} ${sentencesPerSecond} sentences/s ${tokensPerSecond} tokens/s`;
  };
  const ratio = median(oursPasses.map((p, i) => libraryPasses[i].seconds / p.seconds));
  console.log(`${name}: ${texts.length} sentences, ${oursPasses[0].tokens} tokens, median of ${rounds} interleaved passes`);
  console.log(line('ours', oursPasses));
  console.log(line('transformers.js', libraryPasses));
  console.log(`  ours is ${ratio.toFixed(2)}x as fast (median per-round ratio)`);
}

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
