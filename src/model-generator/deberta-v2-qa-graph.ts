/**
 * DebertaV2ForQuestionAnswering (DeBERTa-v2 and v3), op for op as Hugging Face's modeling_deberta_v2 exports:
 * no absolute positions (position_biased_input false) and token types only when type_vocab_size > 0 (then a
 * token_type_ids input); embeddings LayerNormed and zeroed at padding; disentangled self-attention whose scores
 * add to content-to-content the content-to-position (c2p) and position-to-content (p2c) terms, read from
 * relative positions bucketed log-wise beyond position_buckets / 2 (make_log_bucket_position), the relative
 * embeddings LayerNormed (norm_rel_ebd) and projected by each layer's own query and key weights (share_att_key);
 * XSoftmax masking. The c2p and p2c products cost S × 2·position_buckets per head and layer on top of BERT's S × S.
 */
import { intAttr, intsAttr, type GraphBuilder } from './onnx-graph.js';
import type { WeightMaker } from './graph-weights.js';
import { bertLayerNames, layerNorm, mergeHeads, postNormLayer, qaHead, qaInputs, sequenceLength, splitHeads } from './encoder-blocks.js';
import type { QaModelShape } from './presets.js';

const FLOAT32_MIN = -3.4028234663852886e38; // torch.finfo(torch.float32).min, XSoftmax's fill
const FLOAT = 1;
const INT64 = 7;
const BOOL = 9;

// pos_att_type ["p2c", "c2p"]: content-to-content plus both relative terms, each scaled by sqrt(d · 3).
const SCALE_FACTOR = 3;

export function buildDebertaV2Graph(g: GraphBuilder, w: WeightMaker, s: QaModelShape): void {
  const { ids, mask, typeIds } = qaInputs(g, s.typeVocabSize > 0);
  const h = s.hiddenSize;
  const p = 'deberta.embeddings';
  let embedded = w.embeddingLookup(`${p}.word_embeddings.weight`, [s.vocabSize, h], ids);
  if (typeIds) {
    const types = g.op1('Gather', [w.normal(`${p}.token_type_embeddings.weight`, [s.typeVocabSize, h]), typeIds], { name: `${p}.token_type_embeddings/Gather` });
    embedded = g.op1('Add', [embedded, types], { name: `${p}/AddTokenType` });
  }
  const maskFloat = g.op1('Cast', [mask], { name: `${p}/CastMask`, attrs: [intAttr('to', FLOAT)] });
  const normed = layerNorm(g, w, `${p}.LayerNorm`, embedded, h, s.layerNormEps);
  let hidden = g.op1('Mul', [normed, g.op1('Unsqueeze', [maskFloat, g.int64s(`${p}.mask_axes`, [2])], { name: `${p}/UnsqueezeMask` })], { name: `${p}/MulMask` });

  const e = 'deberta.encoder';
  // get_attention_mask: [B, 1, S, S] = mask_i · mask_j, as booleans.
  const rows = g.op1('Unsqueeze', [maskFloat, g.int64s(`${e}.row_axes`, [1, 3])], { name: `${e}/UnsqueezeRows` });
  const columns = g.op1('Unsqueeze', [maskFloat, g.int64s(`${e}.column_axes`, [1, 2])], { name: `${e}/UnsqueezeColumns` });
  const pairMask = g.op1('Cast', [g.op1('Mul', [rows, columns], { name: `${e}/MulMask` })], { name: `${e}/CastMask`, attrs: [intAttr('to', BOOL)] });
  const span = s.positionBuckets;
  const relative = relativePositionBuckets(g, e, sequenceLength(g, e, ids), span, s.maxPositionEmbeddings);
  const c2pIndex = clipIndex(g, `${e}.c2p`, g.op1('Add', [relative, int64Scalar(g, `${e}.c2p_span`, span)], { name: `${e}/AddSpan` }), span);
  const p2cIndex = clipIndex(g, `${e}.p2c`, g.op1('Sub', [int64Scalar(g, `${e}.p2c_span`, span), relative], { name: `${e}/SubFromSpan` }), span);
  const relEmbeddings = layerNorm(g, w, `${e}.LayerNorm`, w.normal(`${e}.rel_embeddings.weight`, [2 * span, h]), h, s.layerNormEps);

  for (let layer = 0; layer < s.numHiddenLayers; layer++) {
    const l = `${e}.layer.${layer}`;
    const names = bertLayerNames(l, '_proj');
    hidden = postNormLayer(g, w, s, names, (name) => name, 'gelu', hidden, (x) =>
      disentangledAttention(g, w, s, names, `${l}.attention.self`, x, { pairMask, c2pIndex, p2cIndex, relEmbeddings }),
    );
  }
  qaHead(g, w, hidden, h);
}

interface RelativeInputs {
  /** [B, 1, S, S] booleans: both tokens are real. */
  pairMask: string;
  /** [S, S] indices into the 2·span relative embeddings, for c2p and for p2c. */
  c2pIndex: string;
  p2cIndex: string;
  /** [2·span, H], LayerNormed. */
  relEmbeddings: string;
}

function disentangledAttention(
  g: GraphBuilder,
  w: WeightMaker,
  s: QaModelShape,
  names: { query: string; key: string; value: string },
  a: string,
  x: string,
  r: RelativeInputs,
): string {
  const h = s.hiddenSize;
  const heads = s.numAttentionHeads;
  const d = h / heads;
  const q = splitHeads(g, names.query, w.linear(names.query, x, h, h), heads, d);
  const k = splitHeads(g, names.key, w.linear(names.key, x, h, h), heads, d);
  const v = splitHeads(g, names.value, w.linear(names.value, x, h, h), heads, d);
  const scale = g.scalarFloat(`${a}.scale`, Math.sqrt(d * SCALE_FACTOR));
  const transposeLast = (name: string, t: string) => g.op1('Transpose', [t], { name, attrs: [intsAttr('perm', [0, 1, 3, 2])] });

  const content = g.op1('MatMul', [q, transposeLast(`${a}/TransposeKey`, k)], { name: `${a}/MatMulQK` });
  const scores = g.op1('Div', [content, scale], { name: `${a}/Div` });
  const scoreShape = g.op1('Shape', [scores], { name: `${a}/ScoreShape` });

  // share_att_key: the relative embeddings through this layer's key (c2p) and query (p2c) projections, [heads, d, 2·span].
  const positional = (weights: string, node: string) => {
    const projected = w.linear(weights, r.relEmbeddings, h, h, { node });
    const split = g.op1('Reshape', [projected, g.int64s(`${node}.split_heads_shape`, [-1, heads, d])], { name: `${node}/Reshape` });
    return g.op1('Transpose', [split], { name: `${node}/Transpose`, attrs: [intsAttr('perm', [1, 2, 0])] });
  };
  const gatherRelative = (node: string, products: string, index: string) =>
    g.op1('GatherElements', [products, g.op1('Expand', [index, scoreShape], { name: `${node}/ExpandIndex` })], { name: `${node}/GatherElements`, attrs: [intAttr('axis', -1)] });

  // c2p: query i against the relative embedding of (i - j).
  const c2p = gatherRelative(`${a}.c2p`, g.op1('MatMul', [q, positional(names.key, `${a}.pos_key`)], { name: `${a}.c2p/MatMul` }), r.c2pIndex);
  // p2c: key j against the relative embedding of (j - i), then transposed to [query, key].
  const p2cByKey = gatherRelative(`${a}.p2c`, g.op1('MatMul', [k, positional(names.query, `${a}.pos_query`)], { name: `${a}.p2c/MatMul` }), r.p2cIndex);
  const p2c = transposeLast(`${a}.p2c/Transpose`, p2cByKey);
  const relativeScores = g.op1('Add', [g.op1('Div', [c2p, scale], { name: `${a}.c2p/Div` }), g.op1('Div', [p2c, scale], { name: `${a}.p2c/Div` })], { name: `${a}/AddRelative` });
  const all = g.op1('Add', [scores, relativeScores], { name: `${a}/AddScores` });

  // XSoftmax: masked scores filled with float32's minimum, softmax, then masked probabilities zeroed.
  const filled = g.op1('Where', [r.pairMask, all, g.scalarFloat(`${a}.masked_score`, FLOAT32_MIN)], { name: `${a}/WhereMask` });
  const probs = g.op1('Softmax', [filled], { name: `${a}/Softmax`, attrs: [intAttr('axis', -1)] });
  const kept = g.op1('Where', [r.pairMask, probs, g.scalarFloat(`${a}.zero`, 0)], { name: `${a}/WhereZero` });
  return mergeHeads(g, a, g.op1('MatMul', [kept, v], { name: `${a}/MatMulV` }), h);
}

/**
 * build_relative_position with make_log_bucket_position: [S, S] int64 of bucket(i - j). Within ±buckets/2 the
 * distance itself; beyond, ceil(log(|δ| / mid) / log((maxPosition - 1) / mid) · (mid - 1)) + mid with δ's sign,
 * computed in float32 as torch does.
 */
export function relativePositionBuckets(g: GraphBuilder, p: string, seqLen: string, buckets: number, maxPosition: number): string {
  const length = g.op1('Squeeze', [seqLen], { name: `${p}/LengthScalar` });
  const range = g.op1('Range', [int64Scalar(g, `${p}.range_start`, 0), length, int64Scalar(g, `${p}.range_step`, 1)], { name: `${p}/Range` });
  const queries = g.op1('Unsqueeze', [range, g.int64s(`${p}.query_axes`, [1])], { name: `${p}/UnsqueezeQueries` });
  const keys = g.op1('Unsqueeze', [range, g.int64s(`${p}.key_axes`, [0])], { name: `${p}/UnsqueezeKeys` });
  const relative = g.op1('Sub', [queries, keys], { name: `${p}/RelativePosition` });
  const mid = Math.floor(buckets / 2);
  const float = (name: string, t: string) => g.op1('Cast', [t], { name, attrs: [intAttr('to', FLOAT)] });
  const relativeFloat = float(`${p}/CastRelative`, relative);
  const near = g.op1(
    'And',
    [
      g.op1('Less', [relative, int64Scalar(g, `${p}.mid`, mid)], { name: `${p}/LessMid` }),
      g.op1('Greater', [relative, int64Scalar(g, `${p}.minus_mid`, -mid)], { name: `${p}/GreaterMinusMid` }),
    ],
    { name: `${p}/Near` },
  );
  const absolute = g.op1('Where', [near, g.scalarFloat(`${p}.mid_minus_one`, mid - 1), g.op1('Abs', [relativeFloat], { name: `${p}/Abs` })], { name: `${p}/AbsPosition` });
  const ratio = g.op1('Div', [absolute, g.scalarFloat(`${p}.mid_float`, mid)], { name: `${p}/DivMid` });
  const logRatio = g.op1('Div', [g.op1('Log', [ratio], { name: `${p}/Log` }), g.scalarFloat(`${p}.log_max`, Math.log(Math.fround((maxPosition - 1) / mid)))], { name: `${p}/DivLogMax` });
  const logPosition = g.op1(
    'Add',
    [g.op1('Ceil', [g.op1('Mul', [logRatio, g.scalarFloat(`${p}.mid_minus_one_scale`, mid - 1)], { name: `${p}/MulMid` })], { name: `${p}/Ceil` }), g.scalarFloat(`${p}.mid_offset`, mid)],
    { name: `${p}/AddMid` },
  );
  const signed = g.op1('Mul', [logPosition, g.op1('Sign', [relativeFloat], { name: `${p}/Sign` })], { name: `${p}/MulSign` });
  const bucket = g.op1('Where', [g.op1('LessOrEqual', [absolute, g.scalarFloat(`${p}.mid_bound`, mid)], { name: `${p}/WithinMid` }), relativeFloat, signed], { name: `${p}/Bucket` });
  return g.op1('Cast', [bucket], { name: `${p}/CastBucket`, attrs: [intAttr('to', INT64)] });
}

function clipIndex(g: GraphBuilder, p: string, index: string, span: number): string {
  return g.op1('Clip', [index, int64Scalar(g, `${p}.min`, 0), int64Scalar(g, `${p}.max`, 2 * span - 1)], { name: `${p}/Clip` });
}

function int64Scalar(g: GraphBuilder, name: string, value: number): string {
  return g.constant(name, 'int64', [], BigInt64Array.of(BigInt(value)));
}
