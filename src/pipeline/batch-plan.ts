/**
 * Groups a read's rows into batches of similar length. On CPU a batch costs about its padded token count
 * (rows × longest row) plus a fixed cost per onnxruntime run, and batching itself barely speeds a token up,
 * so padding 20 retrieved sentences to the longest one computes ~1.8× the tokens there are (CORD-19 sample).
 * Sorted by length, the cheapest split into consecutive runs is found exactly by dynamic programming.
 */

/** Row indices per batch, shortest rows first. `runCostTokens`: the fixed cost of one run, in tokens' worth. */
export function planBatches(lengths: readonly number[], runCostTokens: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b] || a - b);
  const n = order.length;
  // cost[j]: cheapest plan for the j shortest rows; cut[j]: where its last batch starts.
  const cost = new Float64Array(n + 1);
  const cut = new Int32Array(n + 1);
  for (let j = 1; j <= n; j++) {
    cost[j] = Infinity;
    const longest = lengths[order[j - 1]];
    for (let i = 0; i < j; i++) {
      const candidate = cost[i] + runCostTokens + (j - i) * longest;
      if (candidate < cost[j]) {
        cost[j] = candidate;
        cut[j] = i;
      }
    }
  }
  const batches: number[][] = [];
  for (let j = n; j > 0; j = cut[j]) batches.unshift(order.slice(cut[j], j));
  return batches;
}
