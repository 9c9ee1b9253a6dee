/**
 * Throughput of our WordPieceTokenizer against transformers.js's tokenizer, same tokenizer files,
 * same process, over every sentence of the CORD-19 sample.
 *
 *   npx vite-node bench/tokenize.bench.ts [MODEL_DIR]
 *   node dist/bench/tokenize.bench.js [MODEL_DIR]      (after npm run build)
 *
 * Without MODEL_DIR it writes bert-base-uncased's tokenizer files to a temporary directory.
 * test/tokenize.test.ts imports the corpus and tokenizer-files helpers from here.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { bertUncasedVocab, tokenizerConfigJson, tokenizerJson, vocabTxt } from '../src/model/tokenizer-files.js';
import { packageRoot } from '../src/paths.js';
import { WordPieceTokenizer } from '../src/pipeline/tokenize.js';

const cord19Dir = join(packageRoot, '..', 'shared', 'corpus', 'cord19-sample');

interface Cord19Article {
  abstract?: { text: string }[];
  body_text?: { text: string }[];
}

type SentenceSplitter = (text: string) => { text: string }[];

/** Every sentence of every abstract and body paragraph of the CORD-19 sample. */
export async function cord19Sentences(): Promise<string[]> {
  const split = await sentenceSplitter();
  const sentences: string[] = [];
  for (const name of readdirSync(cord19Dir).filter((file) => file.endsWith('.json')).sort()) {
    const article = JSON.parse(readFileSync(join(cord19Dir, name), 'utf8')) as Cord19Article;
    for (const paragraph of [...(article.abstract ?? []), ...(article.body_text ?? [])]) {
      sentences.push(...split(paragraph.text).map((sentence) => sentence.text));
    }
  }
  return sentences;
}

/** Ingest's splitter when it is there (as src/ or dist/src/); until then a plain end-of-sentence rule. */
async function sentenceSplitter(): Promise<SentenceSplitter> {
  // Located at run time, so tsc and vitest accept the module being absent.
  const ingestModule = ['ts', 'js'].map((extension) => new URL(`../src/ingest/sentences.${extension}`, import.meta.url)).find(existsSync);
  if (ingestModule) return ((await import(ingestModule.href)) as { splitSentences: SentenceSplitter }).splitSentences;
  return (text) =>
    text
      .split(/(?<=[.!?])\s+(?=[A-Z0-9([])/)
      .filter((sentence) => sentence.trim() !== '')
      .map((sentence) => ({ text: sentence }));
}

/** bert-base-uncased's tokenizer.json, vocab.txt and tokenizer_config.json, as the model generator writes them. */
export function writeUncasedTokenizerDir(dir: string): void {
  const vocab = bertUncasedVocab();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(join(dir, 'vocab.txt'), vocabTxt(vocab));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson()));
}

/** transformers.js's tokenizer for a local directory, never the network. */
export async function transformersJsTokenizer(dir: string) {
  env.allowRemoteModels = false;
  env.localModelPath = dirname(dir) + '/';
  return AutoTokenizer.from_pretrained(basename(dir));
}

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
  const sentences = await cord19Sentences();

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

// The test imports the helpers above; only a direct run measures.
if (!process.env.VITEST) await main();
