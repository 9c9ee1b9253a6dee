/**
 * The pieces every encoder-only QA architecture here is built of, op for op as Hugging Face's PyTorch modules
 * export them (post-LayerNorm residual blocks, erf or tanh GELU, additive attention masks, the qa_outputs head),
 * so onnxruntime applies the fusions it applies to real exports (LayerNormalization, Gelu/FastGelu, MatMul+Add).
 */
import { floatAttr, intAttr, intsAttr, type GraphBuilder } from './onnx-graph.js';
import type { WeightMaker } from './graph-weights.js';

// Hugging Face's classic additive mask value: exp(-10000) is exactly 0 in fp32,
// so padded keys get no attention weight, and it cannot overflow when added.
const MASKED_SCORE = -10000;

export type Activation = 'gelu' | 'gelu_new';

/** Opsets the graphs use: LayerNormalization needs 17; com.microsoft for DynamicQuantizeMatMul. */
export const QA_GRAPH_OPSETS = [
  { domain: '', version: 17 },
  { domain: 'com.microsoft', version: 1 },
];

export function layerNorm(g: GraphBuilder, w: WeightMaker, p: string, x: string, width: number, eps: number, node = p): string {
  return g.op1('LayerNormalization', [x, w.filled(`${p}.weight`, [width], 1), w.filled(`${p}.bias`, [width], 0)], {
    name: `${node}/LayerNormalization`,
    attrs: [intAttr('axis', -1), floatAttr('epsilon', eps)],
  });
}

export function activation(g: GraphBuilder, kind: Activation, p: string, x: string): string {
  return kind === 'gelu' ? gelu(g, p, x) : geluTanh(g, p, x);
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

/** ALBERT's gelu_new: 0.5 x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))), as NewGELUActivation exports it (onnxruntime fuses it into FastGelu). */
function geluTanh(g: GraphBuilder, p: string, x: string): string {
  const cube = g.op1('Pow', [x, g.scalarFloat(`${p}.three`, 3)], { name: `${p}/GeluPow` });
  const inner = g.op1('Add', [x, g.op1('Mul', [cube, g.scalarFloat(`${p}.coefficient`, 0.044715)], { name: `${p}/GeluMulCube` })], {
    name: `${p}/GeluAddCube`,
  });
  const scaled = g.op1('Mul', [inner, g.scalarFloat(`${p}.sqrt_2_over_pi`, Math.sqrt(2 / Math.PI))], { name: `${p}/GeluScale` });
  const tanh = g.op1('Tanh', [scaled], { name: `${p}/GeluTanh` });
  const onePlus = g.op1('Add', [tanh, g.scalarFloat(`${p}.one`, 1)], { name: `${p}/GeluAdd` });
  const half = g.op1('Mul', [x, g.scalarFloat(`${p}.half`, 0.5)], { name: `${p}/GeluHalf` });
  return g.op1('Mul', [half, onePlus], { name: `${p}/GeluMul` });
}

/** [batch, seq] 0/1 mask -> [batch, 1, 1, seq] scores to add: 0 keeps a key, -10000 drops it. */
export function additiveAttentionMask(g: GraphBuilder, p: string, mask: string): string {
  const asFloat = g.op1('Cast', [mask], { name: `${p}/Cast`, attrs: [intAttr('to', 1)] });
  const inverted = g.op1('Sub', [g.scalarFloat(`${p}.one`, 1), asFloat], { name: `${p}/Sub` });
  const scores = g.op1('Mul', [inverted, g.scalarFloat(`${p}.masked_score`, MASKED_SCORE)], { name: `${p}/Mul` });
  return g.op1('Unsqueeze', [scores, g.int64s(`${p}.axes`, [1, 2])], { name: `${p}/Unsqueeze` });
}

/** The input's sequence length as a 1-element int64 tensor. */
export function sequenceLength(g: GraphBuilder, p: string, ids: string): string {
  const inputShape = g.op1('Shape', [ids], { name: `${p}/Shape` });
  return g.op1('Slice', [inputShape, g.int64s(`${p}.dim1_start`, [1]), g.int64s(`${p}.dim1_end`, [2])], { name: `${p}/SequenceLength` });
}

/** Rows 0..S-1 of a position table (positions 0..S-1, as BERT, ELECTRA, ALBERT and DistilBERT number them). */
export function leadingPositions(g: GraphBuilder, p: string, table: string, seqLen: string): string {
  return g.op1('Slice', [table, g.int64s(`${p}.zero`, [0]), seqLen], { name: `${p}.position_embeddings/Slice` });
}

/** [B, S, H] -> [B, heads, S, headSize], or [B, heads, headSize, S] with `keysTransposed`. */
export function splitHeads(g: GraphBuilder, node: string, y: string, heads: number, headSize: number, keysTransposed = false): string {
  const split = g.op1('Reshape', [y, g.int64s(`${node}.split_heads_shape`, [0, 0, heads, headSize])], { name: `${node}/Reshape` });
  return g.op1('Transpose', [split], { name: `${node}/Transpose`, attrs: [intsAttr('perm', keysTransposed ? [0, 2, 3, 1] : [0, 2, 1, 3])] });
}

/** [B, heads, S, headSize] -> [B, S, H]. */
export function mergeHeads(g: GraphBuilder, node: string, context: string, hidden: number): string {
  const transposed = g.op1('Transpose', [context], { name: `${node}/TransposeContext`, attrs: [intsAttr('perm', [0, 2, 1, 3])] });
  return g.op1('Reshape', [transposed, g.int64s(`${node}.merge_heads_shape`, [0, 0, hidden])], { name: `${node}/ReshapeContext` });
}

export interface AttentionNames {
  query: string;
  key: string;
  value: string;
}

/** Weight prefixes of one post-LayerNorm block, named as the family's state dict names them. */
export interface LayerNames extends AttentionNames {
  attentionOutput: string;
  attentionNorm: string;
  intermediate: string;
  output: string;
  outputNorm: string;
}

/** BERT's names for block `p`'s weights, which RoBERTa, ELECTRA and DeBERTa keep (DeBERTa's projections end in "_proj"). */
export function bertLayerNames(p: string, projectionSuffix = ''): LayerNames {
  return {
    query: `${p}.attention.self.query${projectionSuffix}`,
    key: `${p}.attention.self.key${projectionSuffix}`,
    value: `${p}.attention.self.value${projectionSuffix}`,
    attentionOutput: `${p}.attention.output.dense`,
    attentionNorm: `${p}.attention.output.LayerNorm`,
    intermediate: `${p}.intermediate.dense`,
    output: `${p}.output.dense`,
    outputNorm: `${p}.output.LayerNorm`,
  };
}

export interface BlockShape {
  hiddenSize: number;
  numAttentionHeads: number;
  intermediateSize: number;
  layerNormEps: number;
}

/**
 * Scaled dot-product self-attention with an additive [B, 1, 1, S] mask; the merged context [B, S, H].
 * `scaleQuery`: DistilBERT scales the query before the product, BERT and its kin the scores after it.
 */
export function selfAttention(
  g: GraphBuilder,
  w: WeightMaker,
  s: BlockShape,
  names: AttentionNames,
  node: (weights: string) => string,
  x: string,
  scoreMask: string,
  scaleQuery = false,
): string {
  const h = s.hiddenSize;
  const headSize = h / s.numAttentionHeads;
  const project = (name: string, keys = false) =>
    splitHeads(g, node(name), w.linear(name, x, h, h, { node: node(name) }), s.numAttentionHeads, headSize, keys);
  const a = node(names.query).replace(/[^.]*$/, 'scores');
  const scale = g.scalarFloat(`${a}.sqrt_head_size`, Math.sqrt(headSize));
  let q = project(names.query);
  if (scaleQuery) q = g.op1('Div', [q, scale], { name: `${a}/DivQuery` });
  let scores = g.op1('MatMul', [q, project(names.key, true)], { name: `${a}/MatMulQK` });
  if (!scaleQuery) scores = g.op1('Div', [scores, scale], { name: `${a}/Div` });
  const masked = g.op1('Add', [scores, scoreMask], { name: `${a}/AddMask` });
  const probs = g.op1('Softmax', [masked], { name: `${a}/Softmax`, attrs: [intAttr('axis', -1)] });
  const context = g.op1('MatMul', [probs, project(names.value)], { name: `${a}/MatMulV` });
  return mergeHeads(g, a, context, h);
}

/**
 * One post-LayerNorm encoder block: LN(x + dense(attention(x))), then LN(y + W2 act(W1 y)). `attend` gives the
 * merged attention context of x; `node` turns a weight prefix into the name of the ops using it.
 */
export function postNormLayer(
  g: GraphBuilder,
  w: WeightMaker,
  s: BlockShape,
  names: LayerNames,
  node: (weights: string) => string,
  act: Activation,
  x: string,
  attend: (x: string) => string,
): string {
  const h = s.hiddenSize;
  const eps = s.layerNormEps;
  const attnOut = w.linear(names.attentionOutput, attend(x), h, h, { node: node(names.attentionOutput) });
  const attnResidual = g.op1('Add', [attnOut, x], { name: `${node(names.attentionOutput)}/Residual` });
  const attnNormed = layerNorm(g, w, names.attentionNorm, attnResidual, h, eps, node(names.attentionNorm));
  const inner = w.linear(names.intermediate, attnNormed, h, s.intermediateSize, { node: node(names.intermediate) });
  const activated = activation(g, act, node(names.intermediate), inner);
  const ffnOut = w.linear(names.output, activated, s.intermediateSize, h, { node: node(names.output) });
  const ffnResidual = g.op1('Add', [ffnOut, attnNormed], { name: `${node(names.output)}/Residual` });
  return layerNorm(g, w, names.outputNorm, ffnResidual, h, eps, node(names.outputNorm));
}

/** qa_outputs: a Linear(H, 2) split into start_logits and end_logits [B, S], the outputs every export names so. */
export function qaHead(g: GraphBuilder, w: WeightMaker, hidden: string, hiddenSize: number): void {
  // The head's weights are larger than the 0.02 of the encoder so start/end logits have a
  // spread of about 2 whatever the hidden size: near-zero logits would tie, and
  // ties make fp32/int8 or padded/unpadded comparisons meaningless.
  const logits = w.linear('qa_outputs', hidden, hiddenSize, 2, { std: 2 / Math.sqrt(hiddenSize) });
  const axisLast = g.int64s('qa_outputs.squeeze_axes', [2]);
  const [start, end] = g.op('Split', [logits], { name: 'qa_outputs/Split', attrs: [intAttr('axis', 2)], outputs: 2 });
  g.op1('Squeeze', [start, axisLast], { name: 'start_logits/Squeeze', output: 'start_logits' });
  g.op1('Squeeze', [end, axisLast], { name: 'end_logits/Squeeze', output: 'end_logits' });
  g.addOutput('start_logits', 'float32', ['batch_size', 'sequence_length']);
  g.addOutput('end_logits', 'float32', ['batch_size', 'sequence_length']);
}

/**
 * An export's inputs: input_ids and attention_mask, and token_type_ids where the family's ONNX export config
 * declares them (optimum: BERT, ALBERT, ELECTRA, DeBERTa with token types; not DistilBERT, RoBERTa, XLM-R).
 */
export function qaInputs(g: GraphBuilder, tokenTypeIds: boolean): { ids: string; mask: string; typeIds: string | null } {
  const dims = ['batch_size', 'sequence_length'];
  const ids = g.addInput('input_ids', 'int64', dims);
  const mask = g.addInput('attention_mask', 'int64', dims);
  const typeIds = tokenTypeIds ? g.addInput('token_type_ids', 'int64', dims) : null;
  return { ids, mask, typeIds };
}
