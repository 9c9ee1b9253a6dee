/** The tokenizer benches' interleaved speed comparison (their inputs come from test/support/tokenizer-fixtures.ts). */

export type Tokenize = (text: string) => number;
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
export function compare(name: string, texts: string[], ours: Tokenize, library: Tokenize, rounds: number): void {
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
