/**
 * AlbertForQuestionAnswering: factorized embeddings (embedding_size wide, projected to the hidden size by
 * embedding_hidden_mapping_in), and one layer group whose weights every layer shares (num_hidden_groups 1,
 * inner_group_num 1), so the parameters are one layer's but the compute is num_hidden_layers layers'; gelu_new.
 */
import type { GraphBuilder } from './onnx-graph.js';
import type { WeightMaker } from './graph-weights.js';
import { additiveAttentionMask, layerNorm, leadingPositions, postNormLayer, qaHead, qaInputs, selfAttention, sequenceLength } from './encoder-blocks.js';
import type { QaModelShape } from './presets.js';

const SHARED_LAYER = 'albert.encoder.albert_layer_groups.0.albert_layers.0';

export function buildAlbertGraph(g: GraphBuilder, w: WeightMaker, s: QaModelShape): void {
  const { ids, mask, typeIds } = qaInputs(g, true);
  const p = 'albert.embeddings';
  const e = s.embeddingSize;
  const words = w.embeddingLookup(`${p}.word_embeddings.weight`, [s.vocabSize, e], ids);
  const types = g.op1('Gather', [w.normal(`${p}.token_type_embeddings.weight`, [s.typeVocabSize, e]), typeIds!], { name: `${p}.token_type_embeddings/Gather` });
  const positions = leadingPositions(g, p, w.normal(`${p}.position_embeddings.weight`, [s.maxPositionEmbeddings, e]), sequenceLength(g, p, ids));
  const sum = g.op1('Add', [g.op1('Add', [words, types], { name: `${p}/AddTokenType` }), positions], { name: `${p}/AddPosition` });
  let hidden = w.linear('albert.encoder.embedding_hidden_mapping_in', layerNorm(g, w, `${p}.LayerNorm`, sum, e, s.layerNormEps), e, s.hiddenSize);
  const scoreMask = additiveAttentionMask(g, 'albert.extended_attention_mask', mask);
  const names = {
    query: `${SHARED_LAYER}.attention.query`,
    key: `${SHARED_LAYER}.attention.key`,
    value: `${SHARED_LAYER}.attention.value`,
    attentionOutput: `${SHARED_LAYER}.attention.dense`,
    attentionNorm: `${SHARED_LAYER}.attention.LayerNorm`,
    intermediate: `${SHARED_LAYER}.ffn`,
    output: `${SHARED_LAYER}.ffn_output`,
    outputNorm: `${SHARED_LAYER}.full_layer_layer_norm`,
  };
  for (let layer = 0; layer < s.numHiddenLayers; layer++) {
    // Same weights every time; the ops of each pass are named by the pass.
    const node = (name: string) => name.replace(SHARED_LAYER, `albert.encoder.layer.${layer}`);
    hidden = postNormLayer(g, w, s, names, node, 'gelu_new', hidden, (x) => selfAttention(g, w, s, names, node, x, scoreMask));
  }
  qaHead(g, w, hidden, s.hiddenSize);
}
