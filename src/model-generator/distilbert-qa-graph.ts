/**
 * DistilBertForQuestionAnswering: BERT's post-LayerNorm blocks under DistilBERT's names, no token types (and so
 * no token_type_ids input), the query scaled before its product with the keys.
 */
import type { GraphBuilder } from './onnx-graph.js';
import type { WeightMaker } from './graph-weights.js';
import { additiveAttentionMask, layerNorm, leadingPositions, postNormLayer, qaHead, qaInputs, selfAttention, sequenceLength } from './encoder-blocks.js';
import type { QaModelShape } from './presets.js';

export function buildDistilBertGraph(g: GraphBuilder, w: WeightMaker, s: QaModelShape): void {
  const { ids, mask } = qaInputs(g, false);
  const p = 'distilbert.embeddings';
  const words = w.embeddingLookup(`${p}.word_embeddings.weight`, [s.vocabSize, s.hiddenSize], ids);
  const positions = leadingPositions(g, p, w.normal(`${p}.position_embeddings.weight`, [s.maxPositionEmbeddings, s.hiddenSize]), sequenceLength(g, p, ids));
  let hidden = layerNorm(g, w, `${p}.LayerNorm`, g.op1('Add', [words, positions], { name: `${p}/AddPosition` }), s.hiddenSize, s.layerNormEps);
  const scoreMask = additiveAttentionMask(g, 'distilbert.attention_mask', mask);
  for (let layer = 0; layer < s.numHiddenLayers; layer++) {
    const l = `distilbert.transformer.layer.${layer}`;
    const names = {
      query: `${l}.attention.q_lin`,
      key: `${l}.attention.k_lin`,
      value: `${l}.attention.v_lin`,
      attentionOutput: `${l}.attention.out_lin`,
      attentionNorm: `${l}.sa_layer_norm`,
      intermediate: `${l}.ffn.lin1`,
      output: `${l}.ffn.lin2`,
      outputNorm: `${l}.output_layer_norm`,
    };
    const same = (name: string) => name;
    hidden = postNormLayer(g, w, s, names, same, 'gelu', hidden, (x) => selfAttention(g, w, s, names, same, x, scoreMask, true));
  }
  qaHead(g, w, hidden, s.hiddenSize);
}
