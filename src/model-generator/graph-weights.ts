/**
 * Seeded weight initializers and the ops that consume them, in fp32 or int8, shared by every architecture's graph.
 */
import { elementCount, intAttr, type GraphBuilder } from './onnx-graph.js';
import { quantizeColumns, quantizeTensor, type Int8Range } from './int8-quantization.js';
import { fillNormal, tensorRandom } from './seeded-random.js';

/**
 * How the int8 model multiplies by its quantized weights:
 * - "matmul-integer": standard ONNX ops, the pattern quantize_dynamic emits
 *   (DynamicQuantizeLinear, MatMulInteger, Cast, Mul); onnxruntime fuses it.
 * - "dynamic-quantize-matmul": onnxruntime's contrib op com.microsoft.DynamicQuantizeMatMul,
 *   i.e. the fused form written out directly.
 */
export type Int8MatMulStyle = 'matmul-integer' | 'dynamic-quantize-matmul';

export type WeightFormat = { kind: 'fp32' } | { kind: 'int8'; matmul: Int8MatMulStyle; range: Int8Range };

export const INITIALIZER_STD = 0.02; // the initializer_range of every family here

/**
 * Adds weight initializers and the ops that consume them, in fp32 or int8.
 * Weights are named as in Hugging Face's state dict, but MatMul weights are
 * stored [in, out] (transposed from torch's Linear), as exporters do. A weight
 * asked for twice under one name is one initializer (ALBERT's shared layers).
 */
export class WeightMaker {
  /** Initializers made so far, by name: asked for again, they are reused. */
  private readonly made = new Map<string, unknown>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly seed: number,
    private readonly format: WeightFormat,
  ) {}

  /** Random N(0, std^2) fp32 initializer; values depend only on (seed, name). */
  normal(name: string, dims: number[], std = INITIALIZER_STD): string {
    return this.once(name, () => this.g.addInitializer({ name, elementType: 'float32', dims, data: () => this.normalValues(name, dims, std) }));
  }

  filled(name: string, dims: number[], value: number): string {
    return this.once(name, () =>
      this.g.addInitializer({ name, elementType: 'float32', dims, data: () => new Float32Array(elementCount(dims)).fill(value) }),
    );
  }

  /**
   * Gathers rows of an embedding table. int8 models store the word-embedding
   * table (the largest tensor) quantized, as quantize_dynamic does for Gather.
   */
  embeddingLookup(name: string, dims: [number, number], ids: string): string {
    const g = this.g;
    if (this.format.kind === 'fp32') {
      return g.op1('Gather', [this.normal(name, dims), ids], { name: `${name}/Gather` });
    }
    // Full int8 range: gathered rows are dequantized in fp32, so the integer
    // MatMul's overflow concern (see DEFAULT_MATMUL_INT8_RANGE) does not apply.
    const quantized = readTwice(() => quantizeTensor(this.normalValues(name, dims, INITIALIZER_STD), 127));
    const table = g.addInitializer({ name: `${name}_quantized`, elementType: 'int8', dims, data: () => quantized().values });
    const scale = g.addInitializer({ name: `${name}_scale`, elementType: 'float32', dims: [], data: () => Float32Array.of(quantized().scale) });
    const zeroPoint = g.constant(`${name}_zero_point`, 'int8', [], Int8Array.of(0));
    const rows = g.op1('Gather', [table, ids], { name: `${name}/Gather` });
    return g.op1('DequantizeLinear', [rows, scale, zeroPoint], { name: `${name}/DequantizeLinear` });
  }

  /**
   * y = x W + b with W [inDim, outDim] ~ N(0, std^2) and b = 0 (no b when `bias` is false). `node` names the ops
   * when one weight feeds several of them (ALBERT's layers, DeBERTa's relative-position projections).
   */
  linear(prefix: string, x: string, inDim: number, outDim: number, options: { std?: number; node?: string; bias?: boolean } = {}): string {
    const g = this.g;
    const node = options.node ?? prefix;
    const weightName = `${prefix}.weight`;
    const bias = options.bias === false ? null : this.filled(`${prefix}.bias`, [outDim], 0);
    const std = options.std ?? INITIALIZER_STD;
    const addBias = (y: string) => (bias ? g.op1('Add', [y, bias], { name: `${node}/Add` }) : y);
    if (this.format.kind === 'fp32') {
      return addBias(g.op1('MatMul', [x, this.normal(weightName, [inDim, outDim], std)], { name: `${node}/MatMul` }));
    }

    const range = this.format.range;
    const [weight, weightScale] = this.once(`${weightName}_quantized`, (): [string, string] => {
      // The int8 values and their scales come from one fp32 tensor: generate it once.
      const quantized = readTwice(() => quantizeColumns(this.normalValues(weightName, [inDim, outDim], std), inDim, outDim, range));
      return [
        g.addInitializer({ name: `${weightName}_quantized`, elementType: 'int8', dims: [inDim, outDim], data: () => quantized().values }),
        g.addInitializer({ name: `${weightName}_scale`, elementType: 'float32', dims: [outDim], data: () => quantized().scales }),
      ];
    });

    if (this.format.matmul === 'dynamic-quantize-matmul') {
      // Inputs: A, B, b_scale, b_zero_point (omitted: symmetric), bias.
      return g.op1('DynamicQuantizeMatMul', [x, weight, weightScale, '', bias ?? ''], {
        name: `${node}/DynamicQuantizeMatMul`,
        domain: 'com.microsoft',
      });
    }
    const [xq, xScale, xZeroPoint] = g.op('DynamicQuantizeLinear', [x], { name: `${node}/DynamicQuantizeLinear`, outputs: 3 });
    // b_zero_point omitted: weights are symmetric, so it is 0.
    const acc = g.op1('MatMulInteger', [xq, weight, xZeroPoint], { name: `${node}/MatMulInteger` });
    const accFloat = g.op1('Cast', [acc], { name: `${node}/Cast`, attrs: [intAttr('to', 1)] });
    const scale = g.op1('Mul', [xScale, weightScale], { name: `${node}/MulScales` });
    return addBias(g.op1('Mul', [accFloat, scale], { name: `${node}/Rescale` }));
  }

  private once<T>(name: string, add: () => T): T {
    if (!this.made.has(name)) this.made.set(name, add());
    return this.made.get(name) as T;
  }

  private normalValues(name: string, dims: number[], std: number): Float32Array {
    const values = new Float32Array(elementCount(dims));
    return fillNormal(values, tensorRandom(this.seed, name), std);
  }
}

/**
 * Computes on first read and forgets after the second, so two initializers
 * derived from one tensor (int8 values + scales) cost one generation and do
 * not keep the tensor alive afterwards.
 */
function readTwice<T>(make: () => T): () => T {
  let cached: T | undefined;
  let reads = 0;
  return () => {
    const value = cached ?? make();
    cached = ++reads >= 2 ? undefined : value;
    return value;
  };
}
