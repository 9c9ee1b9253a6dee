/**
 * How close a batched QA run comes to the machine's matmul peak: FLOP/s of distilbert-base on 20 rows of
 * 64 tokens (FLOPs counted analytically) against an n×n×n fp32 MatMul run by onnxruntime-node with the same
 * threads, alternated round by round. Then onnxruntime's own profile of one run says where the rest goes.
 *
 *   node dist/bench/flops.bench.js [--preset distilbert-base | --model DIR] [--threads 2] [--rounds 7]
 *     [--batch 20] [--tokens 64] [--n 1024] [--matmuls-per-block N]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { PRESETS, type QaModelShape } from '../src/model-generator/presets.js';
import { openModelDir } from '../src/pipeline/model-dir.js';
import { writeMatMulModel } from './support/matmul-model.js';
import { benchModelDir } from './support/models.js';
import { loadReport, median, ms, pct } from './support/stats.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    preset: { type: 'string' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '7' },
    batch: { type: 'string', default: '20' },
    tokens: { type: 'string', default: '64' },
    n: { type: 'string', default: '1024' },
    'matmuls-per-block': { type: 'string' },
  },
});
const threads = Number(args.threads);
const [batch, tokens, n] = [Number(args.batch), Number(args.tokens), Number(args.n)];
const modelDir = benchModelDir(args, 'distilbert-base');

/** Matmul FLOPs of one sequence: per layer 2·(4·S·H² + 2·S²·H + 2·S·H·I) (projections, attention, FFN), plus the QA head. */
function bertQaFlops(shape: QaModelShape, sequenceLength: number): number {
  const { hiddenSize: H, intermediateSize: I, numHiddenLayers: L } = shape;
  const S = sequenceLength;
  return L * 2 * (4 * S * H * H + 2 * S * S * H + 2 * S * H * I) + 2 * S * H * 2;
}

/**
 * The clock times the FMA throughput, from /proc/cpuinfo: AVX2 + FMA cores with two 256-bit FMA units do
 * 2 units × 8 fp32 lanes × 2 FLOPs = 32 FLOP per cycle. An assumption about the core, so only a reference line.
 */
function nominalPeak(cores: number): { flops: number; how: string } | null {
  const info = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1]);
  if (!mhz || !/\bavx2\b/.test(info) || !/\bfma\b/.test(info)) return null;
  return { flops: cores * mhz * 1e6 * 32, how: `${cores} × ${mhz.toFixed(0)} MHz × 32 FLOP/cycle, assuming two 256-bit FMA units per core` };
}

const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
const shape = PRESETS[config.kgqa_preset as keyof typeof PRESETS];
if (!shape) throw new Error(`${modelDir}: not a generated model (no kgqa_preset in config.json); pass --preset`);
const modelFlops = batch * bertQaFlops(shape, tokens);
const matmulFlops = 2 * n ** 3;

const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };
const scratch = mkdtempSync(join(tmpdir(), 'kgqa-flops-'));
const matmulPath = join(scratch, 'matmul.onnx');
writeMatMulModel(matmulPath, n);
const matmul = await ort.InferenceSession.create(matmulPath, options);
const matmulFeeds = { A: new ort.Tensor('float32', Float32Array.from({ length: n * n }, (_, i) => ((i % 89) - 44) / 89), [n, n]) };

const model = await openModelDir(modelDir, 'fp32');
const qa = await ort.InferenceSession.create(model.onnxPath, options);
/** Full rows of real tokens (no padding): every FLOP counted is useful work. */
function qaFeeds(): Record<string, ort.Tensor> {
  const dims = [batch, tokens];
  const ids = BigInt64Array.from({ length: batch * tokens }, (_, i) => BigInt(1000 + ((i * 7919) % 20000)));
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(batch * tokens).fill(1n), dims),
  };
  if (qa.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(batch * tokens), dims);
  return feeds;
}
const feeds = qaFeeds();

async function time(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

console.log(`${modelDir}: ${config.kgqa_preset}, batch ${batch} × ${tokens} tokens = ${(modelFlops / 1e9).toFixed(1)} GFLOP; MatMul ${n}³ = ${(matmulFlops / 1e9).toFixed(2)} GFLOP; ${threads} threads`);
console.log(`before: ${loadReport()}`);
await matmul.run(matmulFeeds);
await qa.run(feeds);
const peaks: number[] = [];
const achieved: number[] = [];
// A block of matmuls lasting about as long as a QA run: under load from other processes, a 10 ms run and a
// 1 s run are slowed differently, and paired measurements of similar length are slowed alike.
const matmulsPerBlock = Math.max(5, Math.round(Number(args['matmuls-per-block'] ?? 0) || modelFlops / matmulFlops));
for (let round = 0; round < Number(args.rounds); round++) {
  const matmulMs = (await time(async () => {
    for (let i = 0; i < matmulsPerBlock; i++) await matmul.run(matmulFeeds);
  })) / matmulsPerBlock;
  const qaMs = await time(() => qa.run(feeds));
  peaks.push(matmulFlops / (matmulMs / 1000));
  achieved.push(modelFlops / (qaMs / 1000));
  console.log(
    `round ${round + 1}: MatMul ${ms(matmulMs)} (mean of ${matmulsPerBlock}) = ${(peaks.at(-1)! / 1e9).toFixed(1)} GFLOP/s; ` +
      `QA run ${ms(qaMs)} = ${(achieved.at(-1)! / 1e9).toFixed(1)} GFLOP/s (${pct(achieved.at(-1)!, peaks.at(-1)!)}); ${loadReport()}`,
  );
}
const ratios = achieved.map((a, i) => a / peaks[i]);
const nominal = nominalPeak(threads);
console.log(
  `\nmedian over rounds: matmul ${(median(peaks) / 1e9).toFixed(1)} GFLOP/s, QA run ${(median(achieved) / 1e9).toFixed(1)} GFLOP/s, ` +
    `ratio ${(100 * median(ratios)).toFixed(1)}% of peak; best of each: ${(Math.max(...peaks) / 1e9).toFixed(1)} and ` +
    `${(Math.max(...achieved) / 1e9).toFixed(1)} GFLOP/s = ${pct(Math.max(...achieved), Math.max(...peaks))}`,
);
if (nominal) {
  console.log(
    `nominal FMA peak ${(nominal.flops / 1e9).toFixed(1)} GFLOP/s (${nominal.how}): matmul reaches ${pct(median(peaks), nominal.flops)}, ` +
      `the QA run ${pct(median(achieved), nominal.flops)}`,
  );
}

// Where a run's time goes, by operator type, from onnxruntime's profiler.
const profiled = await ort.InferenceSession.create(model.onnxPath, { ...options, enableProfiling: true, profileFilePrefix: join(scratch, 'qa') });
await profiled.run(feeds);
await profiled.run(feeds);
profiled.endProfiling();
await profiled.release();
const profileFile = readdirSync(scratch).find((f) => f.startsWith('qa') && f.endsWith('.json'));
if (profileFile) {
  const events = JSON.parse(readFileSync(join(scratch, profileFile), 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  const byOp = new Map<string, number>();
  // The last run only (the first warms up): node events of kind "kernel_time".
  const kernels = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  const lastRun = kernels.slice(kernels.length / 2);
  for (const e of lastRun) byOp.set(e.args?.op_name ?? '?', (byOp.get(e.args?.op_name ?? '?') ?? 0) + e.dur);
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  console.log(`\nprofiled run: ${ms(total / 1000)} in kernels, by operator:`);
  for (const [op, dur] of [...byOp].sort((a, b) => b[1] - a[1])) console.log(`  ${op} ${ms(dur / 1000)} ${pct(dur, total)}`);
}
console.log(`after: ${loadReport()}`);

await Promise.all([matmul.release(), qa.release()]);
rmSync(scratch, { recursive: true, force: true });
