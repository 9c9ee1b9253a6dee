/**
 * BertForQuestionAnswering and the architectures that keep its encoder: RoBERTa and XLM-R (positions counted
 * from padding_idx + 1 over the non-padding tokens, one token type, no token_type_ids input) and ELECTRA
 * (embeddings projected up when narrower than the hidden size). Follows Hugging Face's modules op for op, as a
 * PyTorch export of a real checkpoint would, so inference cost matches one of the same shape and onnxruntime
 * applies the same fusions (BiasGelu, FusedMatMul; MatMulIntegerToFloat and DynamicQuantizeMatMul in int8).
 */
import { intAttr, type GraphBuilder } from './onnx-graph.js';
import type { WeightMaker } from './graph-weights.js';
import {
  additiveAttentionMask,
  bertLayerNames,
  layerNorm,
  leadingPositions,
  postNormLayer,
  qaHead,
  qaInputs,
  selfAttention,
  sequenceLength,
} from './encoder-blocks.js';
import type { QaModelShape } from './presets.js';

export type BertLikeFamily = 'bert' | 'roberta' | 'xlm-roberta' | 'electra';

// The base model's attribute name, and so its state-dict prefix (XLMRobertaForQuestionAnswering keeps "roberta").
const BASE_MODEL: Record<BertLikeFamily, string> = { bert: 'bert', roberta: 'roberta', 'xlm-roberta': 'roberta', electra: 'electra' };

export function buildBertLikeGraph(g: GraphBuilder, w: WeightMaker, s: QaModelShape & { family: BertLikeFamily }): void {
  const base = BASE_MODEL[s.family];
  const countsFromPadding = s.family === 'roberta' || s.family === 'xlm-roberta';
  const { ids, mask, typeIds } = qaInputs(g, !countsFromPadding);
  let hidden = embeddings(g, w, s, base, ids, typeIds);
  const scoreMask = additiveAttentionMask(g, `${base}.extended_attention_mask`, mask);
  for (let layer = 0; layer < s.numHiddenLayers; layer++) {
    const names = bertLayerNames(`${base}.encoder.layer.${layer}`);
    const same = (name: string) => name;
    hidden = postNormLayer(g, w, s, names, same, 'gelu', hidden, (x) => selfAttention(g, w, s, names, same, x, scoreMask));
  }
  qaHead(g, w, hidden, s.hiddenSize);
}

function embeddings(g: GraphBuilder, w: WeightMaker, s: QaModelShape, base: string, ids: string, typeIds: string | null): string {
  const p = `${base}.embeddings`;
  const e = s.embeddingSize;
  const words = w.embeddingLookup(`${p}.word_embeddings.weight`, [s.vocabSize, e], ids);
  const typeTable = w.normal(`${p}.token_type_embeddings.weight`, [s.typeVocabSize, e]);
  // Without a token_type_ids input, the model's buffered all-zero token types: row 0 for every token.
  const types = g.op1('Gather', [typeTable, typeIds ?? g.constant(`${p}.token_type_zero`, 'int64', [], BigInt64Array.of(0n))], {
    name: `${p}.token_type_embeddings/Gather`,
  });
  const positionTable = w.normal(`${p}.position_embeddings.weight`, [s.maxPositionEmbeddings, e]);
  const positions =
    s.family === 'roberta' || s.family === 'xlm-roberta'
      ? g.op1('Gather', [positionTable, positionIdsFromPadding(g, p, ids, s.padTokenId)], { name: `${p}.position_embeddings/Gather` })
      : leadingPositions(g, p, positionTable, sequenceLength(g, p, ids));
  const sum = g.op1('Add', [g.op1('Add', [words, types], { name: `${p}/AddTokenType` }), positions], { name: `${p}/AddPosition` });
  const normed = layerNorm(g, w, `${p}.LayerNorm`, sum, e, s.layerNormEps);
  // ELECTRA: embeddings narrower than the encoder are projected up (electra.embeddings_project).
  return e === s.hiddenSize ? normed : w.linear(`${base}.embeddings_project`, normed, e, s.hiddenSize);
}

/**
 * RoBERTa's create_position_ids_from_input_ids: mask = ids != padding_idx; cumsum(mask) * mask + padding_idx,
 * so real tokens are numbered from padding_idx + 1 and padding sits at padding_idx.
 */
function positionIdsFromPadding(g: GraphBuilder, p: string, ids: string, padTokenId: number): string {
  const isPadding = g.op1('Equal', [ids, g.constant(`${p}.padding_idx`, 'int64', [], BigInt64Array.of(BigInt(padTokenId)))], { name: `${p}/EqualPadding` });
  const notPadding = g.op1('Cast', [g.op1('Not', [isPadding], { name: `${p}/NotPadding` })], { name: `${p}/CastMask`, attrs: [intAttr('to', 6)] });
  const counted = g.op1('CumSum', [notPadding, g.constant(`${p}.cumsum_axis`, 'int32', [], Int32Array.of(1))], { name: `${p}/CumSum` });
  const numbered = g.op1('Cast', [g.op1('Mul', [counted, notPadding], { name: `${p}/MulMask` })], { name: `${p}/CastPositions`, attrs: [intAttr('to', 7)] });
  return g.op1('Add', [numbered, g.constant(`${p}.position_offset`, 'int64', [], BigInt64Array.of(BigInt(padTokenId)))], { name: `${p}/AddPaddingIdx` });
}
