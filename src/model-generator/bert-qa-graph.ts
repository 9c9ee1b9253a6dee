/**
 * The ONNX graph of BertForQuestionAnswering, with seeded random weights.
 *
 * Follows Hugging Face's BERT op for op (post-LayerNorm encoder, erf GELU,
 * additive attention mask), as a PyTorch export of a real checkpoint would,
 * so inference cost matches one of the same shape and onnxruntime applies the
 * same fusions (BiasGelu, FusedMatMul; MatMulIntegerToFloat and
 * DynamicQuantizeMatMul in the int8 model).
 */
import { GraphBuilder, elementCount, floatAttr, intAttr, intsAttr } from './onnx-graph.js';
import { quantizeColumns, quantizeTensor, type Int8Range } from './int8-quantization.js';
import type { BertQaShape } from './presets.js';
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

export interface BertQaGraphOptions {
  shape: BertQaShape;
  seed: number;
  weights: WeightFormat;
}

export const INITIALIZER_STD = 0.02; // BERT's initializer_range

// Hugging Face's classic additive mask value: exp(-10000) is exactly 0 in fp32,
// so padded keys get no attention weight, and it cannot overflow when added.
const MASKED_SCORE = -10000;

/** Opsets the graph uses: LayerNormalization needs 17; com.microsoft for DynamicQuantizeMatMul. */
export const BERT_QA_OPSETS = [
  { domain: '', version: 17 },
  { domain: 'com.microsoft', version: 1 },
];

export function buildBertQaGraph(options: BertQaGraphOptions): GraphBuilder {
  const { shape } = options;
  if (shape.hiddenSize % shape.numAttentionHeads !== 0) {
    throw new Error(`hidden size ${shape.hiddenSize} is not a multiple of ${shape.numAttentionHeads} heads`);
  }
  const g = new GraphBuilder('bert_for_question_answering');
  const w = new WeightMaker(g, options.seed, options.weights);

  const ids = g.addInput('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.addInput('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const typeIds = g.addInput('token_type_ids', 'int64', ['batch_size', 'sequence_length']);

  let hidden = embeddings(g, w, shape, ids, typeIds);
  const scoreMask = additiveAttentionMask(g, mask);
  for (let layer = 0; layer < shape.numHiddenLayers; layer++) {
    hidden = encoderLayer(g, w, shape, `bert.encoder.layer.${layer}`, hidden, scoreMask);
  }

  // The head's weights are larger than BERT's 0.02 so start/end logits have a
  // spread of about 2 whatever the hidden size: near-zero logits would tie, and
  // ties make fp32/int8 or padded/unpadded comparisons meaningless.
  const qaStd = 2 / Math.sqrt(shape.hiddenSize);
  const logits = w.linear('qa_outputs', hidden, shape.hiddenSize, 2, qaStd);
  const axisLast = g.int64s('qa_outputs.squeeze_axes', [2]);
  const [start, end] = g.op('Split', [logits], { name: 'qa_outputs/Split', attrs: [intAttr('axis', 2)], outputs: 2 });
  g.op1('Squeeze', [start, axisLast], { name: 'start_logits/Squeeze', output: 'start_logits' });
  g.op1('Squeeze', [end, axisLast], { name: 'end_logits/Squeeze', output: 'end_logits' });
  g.addOutput('start_logits', 'float32', ['batch_size', 'sequence_length']);
  g.addOutput('end_logits', 'float32', ['batch_size', 'sequence_length']);
  return g;
}

function embeddings(g: GraphBuilder, w: WeightMaker, s: BertQaShape, ids: string, typeIds: string): string {
  const p = 'bert.embeddings';
  const words = w.embeddingLookup(`${p}.word_embeddings.weight`, [s.vocabSize, s.hiddenSize], ids);
  const types = g.op1('Gather', [w.normal(`${p}.token_type_embeddings.weight`, [s.typeVocabSize, s.hiddenSize]), typeIds], {
    name: `${p}.token_type_embeddings/Gather`,
  });
  // Positions 0..S-1 are the first S rows of the table: slice it by the input's length.
  const inputShape = g.op1('Shape', [ids], { name: `${p}/Shape` });
  const seqLen = g.op1('Slice', [inputShape, g.int64s(`${p}.dim1_start`, [1]), g.int64s(`${p}.dim1_end`, [2])], {
    name: `${p}/SequenceLength`,
  });
  const positions = g.op1(
    'Slice',
    [w.normal(`${p}.position_embeddings.weight`, [s.maxPositionEmbeddings, s.hiddenSize]), g.int64s(`${p}.zero`, [0]), seqLen],
    { name: `${p}.position_embeddings/Slice` },
  );
  const sum = g.op1('Add', [g.op1('Add', [words, types], { name: `${p}/AddTokenType` }), positions], {
    name: `${p}/AddPosition`,
  });
  return layerNorm(g, w, s, `${p}.LayerNorm`, sum);
}

/** [batch, seq] 0/1 mask -> [batch, 1, 1, seq] scores to add: 0 keeps a key, -10000 drops it. */
function additiveAttentionMask(g: GraphBuilder, mask: string): string {
  const p = 'bert.extended_attention_mask';
  const asFloat = g.op1('Cast', [mask], { name: `${p}/Cast`, attrs: [intAttr('to', 1)] });
  const inverted = g.op1('Sub', [g.scalarFloat(`${p}.one`, 1), asFloat], { name: `${p}/Sub` });
  const scores = g.op1('Mul', [inverted, g.scalarFloat(`${p}.masked_score`, MASKED_SCORE)], { name: `${p}/Mul` });
  return g.op1('Unsqueeze', [scores, g.int64s(`${p}.axes`, [1, 2])], { name: `${p}/Unsqueeze` });
}

function encoderLayer(g: GraphBuilder, w: WeightMaker, s: BertQaShape, p: string, x: string, scoreMask: string): string {
  const h = s.hiddenSize;
  const heads = s.numAttentionHeads;
  const headSize = h / heads;
  const splitShape = g.int64s(`${p}.attention.split_heads_shape`, [0, 0, heads, headSize]);
  const mergeShape = g.int64s(`${p}.attention.merge_heads_shape`, [0, 0, h]);
  const a = `${p}.attention.self`;

  // [B, S, H] -> [B, heads, S, headSize], or [B, heads, headSize, S] for keys.
  const project = (name: string, perm: number[]): string => {
    const y = w.linear(`${a}.${name}`, x, h, h);
    const split = g.op1('Reshape', [y, splitShape], { name: `${a}.${name}/Reshape` });
    return g.op1('Transpose', [split], { name: `${a}.${name}/Transpose`, attrs: [intsAttr('perm', perm)] });
  };
  const q = project('query', [0, 2, 1, 3]);
  const kT = project('key', [0, 2, 3, 1]);
  const v = project('value', [0, 2, 1, 3]);

  const rawScores = g.op1('MatMul', [q, kT], { name: `${a}/MatMulQK` });
  const scaled = g.op1('Div', [rawScores, g.scalarFloat(`${a}.sqrt_head_size`, Math.sqrt(headSize))], {
    name: `${a}/Div`,
  });
  const masked = g.op1('Add', [scaled, scoreMask], { name: `${a}/AddMask` });
  const probs = g.op1('Softmax', [masked], { name: `${a}/Softmax`, attrs: [intAttr('axis', -1)] });
  const context = g.op1('MatMul', [probs, v], { name: `${a}/MatMulV` });
  const merged = g.op1(
    'Reshape',
    [g.op1('Transpose', [context], { name: `${a}/TransposeContext`, attrs: [intsAttr('perm', [0, 2, 1, 3])] }), mergeShape],
    { name: `${a}/ReshapeContext` },
  );

  const attnOut = w.linear(`${p}.attention.output.dense`, merged, h, h);
  const attnResidual = g.op1('Add', [attnOut, x], { name: `${p}.attention.output/Residual` });
  const attnNormed = layerNorm(g, w, s, `${p}.attention.output.LayerNorm`, attnResidual);

  const inner = gelu(g, `${p}.intermediate`, w.linear(`${p}.intermediate.dense`, attnNormed, h, s.intermediateSize));
  const ffnOut = w.linear(`${p}.output.dense`, inner, s.intermediateSize, h);
  const ffnResidual = g.op1('Add', [ffnOut, attnNormed], { name: `${p}.output/Residual` });
  return layerNorm(g, w, s, `${p}.output.LayerNorm`, ffnResidual);
}

/** Exact (erf) GELU, written as 0.5 * x * (1 + erf(x / sqrt 2)) so onnxruntime fuses it into Gelu. */
function gelu(g: GraphBuilder, p: string, x: string): string {
  const erf = g.op1('Erf', [g.op1('Div', [x, g.scalarFloat(`${p}.sqrt2`, Math.SQRT2)], { name: `${p}/GeluDiv` })], {
    name: `${p}/GeluErf`,
  });
  const onePlus = g.op1('Add', [erf, g.scalarFloat(`${p}.one`, 1)], { name: `${p}/GeluAdd` });
  const times = g.op1('Mul', [x, onePlus], { name: `${p}/GeluMul` });
  return g.op1('Mul', [times, g.scalarFloat(`${p}.half`, 0.5)], { name: `${p}/GeluHalf` });
}

function layerNorm(g: GraphBuilder, w: WeightMaker, s: BertQaShape, p: string, x: string): string {
  return g.op1('LayerNormalization', [x, w.filled(`${p}.weight`, [s.hiddenSize], 1), w.filled(`${p}.bias`, [s.hiddenSize], 0)], {
    name: `${p}/LayerNormalization`,
    attrs: [intAttr('axis', -1), floatAttr('epsilon', s.layerNormEps)],
  });
}

/**
 * Adds weight initializers and the ops that consume them, in fp32 or int8.
 * Weights are named as in Hugging Face's state dict, but MatMul weights are
 * stored [in, out] (transposed from torch's Linear), as exporters do.
 */
class WeightMaker {
  constructor(
    private readonly g: GraphBuilder,
    private readonly seed: number,
    private readonly format: WeightFormat,
  ) {}

  /** Random N(0, std^2) fp32 initializer; values depend only on (seed, name). */
  normal(name: string, dims: number[], std = INITIALIZER_STD): string {
    return this.g.addInitializer({ name, elementType: 'float32', dims, data: () => this.normalValues(name, dims, std) });
  }

  filled(name: string, dims: number[], value: number): string {
    return this.g.addInitializer({
      name,
      elementType: 'float32',
      dims,
      data: () => new Float32Array(elementCount(dims)).fill(value),
    });
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
    const table = g.addInitializer({
      name: `${name}_quantized`,
      elementType: 'int8',
      dims,
      data: () => quantized().values,
    });
    const scale = g.addInitializer({
      name: `${name}_scale`,
      elementType: 'float32',
      dims: [],
      data: () => Float32Array.of(quantized().scale),
    });
    const zeroPoint = g.constant(`${name}_zero_point`, 'int8', [], Int8Array.of(0));
    const rows = g.op1('Gather', [table, ids], { name: `${name}/Gather` });
    return g.op1('DequantizeLinear', [rows, scale, zeroPoint], { name: `${name}/DequantizeLinear` });
  }

  /** y = x W + b with W [inDim, outDim] ~ N(0, std^2) and b = 0. */
  linear(prefix: string, x: string, inDim: number, outDim: number, std = INITIALIZER_STD): string {
    const g = this.g;
    const weightName = `${prefix}.weight`;
    const bias = this.filled(`${prefix}.bias`, [outDim], 0);
    if (this.format.kind === 'fp32') {
      const y = g.op1('MatMul', [x, this.normal(weightName, [inDim, outDim], std)], { name: `${prefix}/MatMul` });
      return g.op1('Add', [y, bias], { name: `${prefix}/Add` });
    }

    const range = this.format.range;
    // The int8 values and their scales come from one fp32 tensor: generate it once.
    const quantized = readTwice(() =>
      quantizeColumns(this.normalValues(weightName, [inDim, outDim], std), inDim, outDim, range),
    );
    const weight = g.addInitializer({
      name: `${weightName}_quantized`,
      elementType: 'int8',
      dims: [inDim, outDim],
      data: () => quantized().values,
    });
    const weightScale = g.addInitializer({
      name: `${weightName}_scale`,
      elementType: 'float32',
      dims: [outDim],
      data: () => quantized().scales,
    });

    if (this.format.matmul === 'dynamic-quantize-matmul') {
      // Inputs: A, B, b_scale, b_zero_point (omitted: symmetric), bias.
      return g.op1('DynamicQuantizeMatMul', [x, weight, weightScale, '', bias], {
        name: `${prefix}/DynamicQuantizeMatMul`,
        domain: 'com.microsoft',
      });
    }
    const [xq, xScale, xZeroPoint] = g.op('DynamicQuantizeLinear', [x], { name: `${prefix}/DynamicQuantizeLinear`, outputs: 3 });
    // b_zero_point omitted: weights are symmetric, so it is 0.
    const acc = g.op1('MatMulInteger', [xq, weight, xZeroPoint], { name: `${prefix}/MatMulInteger` });
    const accFloat = g.op1('Cast', [acc], { name: `${prefix}/Cast`, attrs: [intAttr('to', 1)] });
    const scale = g.op1('Mul', [xScale, weightScale], { name: `${prefix}/MulScales` });
    const y = g.op1('Mul', [accFloat, scale], { name: `${prefix}/Rescale` });
    return g.op1('Add', [y, bias], { name: `${prefix}/Add` });
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
