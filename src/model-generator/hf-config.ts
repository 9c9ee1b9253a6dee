/** config.json of a generated model, with the keys each family's Hugging Face config class writes. */
import type { ModelFamily, PresetName, QaModelShape } from './presets.js';

/**
 * config.json key marking a model whose weights are random: its answers mean
 * nothing, and a server loading it should say so.
 */
export const GENERATED_MARKER_KEY = 'kgqa_generated';

export interface GeneratedModelConfig {
  model_type: string;
  architectures: [string];
  [GENERATED_MARKER_KEY]: true;
  kgqa_seed: number;
  kgqa_preset: PresetName;
  [key: string]: unknown;
}

const MODEL_TYPE: Record<ModelFamily, [modelType: string, architecture: string]> = {
  bert: ['bert', 'BertForQuestionAnswering'],
  distilbert: ['distilbert', 'DistilBertForQuestionAnswering'],
  roberta: ['roberta', 'RobertaForQuestionAnswering'],
  'xlm-roberta': ['xlm-roberta', 'XLMRobertaForQuestionAnswering'],
  albert: ['albert', 'AlbertForQuestionAnswering'],
  electra: ['electra', 'ElectraForQuestionAnswering'],
  'deberta-v3': ['deberta-v2', 'DebertaV2ForQuestionAnswering'],
};

export function qaConfigJson(preset: PresetName, s: QaModelShape, seed: number): GeneratedModelConfig {
  const [modelType, architecture] = MODEL_TYPE[s.family];
  return {
    model_type: modelType,
    architectures: [architecture],
    ...familyKeys(s),
    [GENERATED_MARKER_KEY]: true,
    kgqa_seed: seed,
    kgqa_preset: preset,
  };
}

function familyKeys(s: QaModelShape): Record<string, unknown> {
  if (s.family === 'distilbert') {
    return {
      activation: 'gelu',
      dim: s.hiddenSize,
      n_layers: s.numHiddenLayers,
      n_heads: s.numAttentionHeads,
      hidden_dim: s.intermediateSize,
      max_position_embeddings: s.maxPositionEmbeddings,
      vocab_size: s.vocabSize,
      dropout: 0.1,
      attention_dropout: 0.1,
      qa_dropout: 0.1,
      initializer_range: 0.02,
      sinusoidal_pos_embds: false,
      pad_token_id: s.padTokenId,
    };
  }
  const common = {
    hidden_size: s.hiddenSize,
    num_hidden_layers: s.numHiddenLayers,
    num_attention_heads: s.numAttentionHeads,
    intermediate_size: s.intermediateSize,
    max_position_embeddings: s.maxPositionEmbeddings,
    vocab_size: s.vocabSize,
    type_vocab_size: s.typeVocabSize,
    layer_norm_eps: s.layerNormEps,
    hidden_act: s.family === 'albert' ? 'gelu_new' : 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    initializer_range: 0.02,
    pad_token_id: s.padTokenId,
  };
  switch (s.family) {
    case 'bert':
      return { ...common, position_embedding_type: 'absolute' };
    case 'roberta':
    case 'xlm-roberta':
      return { ...common, bos_token_id: 0, eos_token_id: 2, position_embedding_type: 'absolute' };
    case 'albert':
      return { ...common, embedding_size: s.embeddingSize, num_hidden_groups: 1, inner_group_num: 1, bos_token_id: 2, eos_token_id: 3 };
    case 'electra':
      return { ...common, embedding_size: s.embeddingSize, position_embedding_type: 'absolute' };
    case 'deberta-v3':
      return {
        ...common,
        relative_attention: true,
        position_buckets: s.positionBuckets,
        max_relative_positions: -1,
        norm_rel_ebd: 'layer_norm',
        share_att_key: true,
        pos_att_type: ['p2c', 'c2p'],
        position_biased_input: false,
      };
  }
}

/** True when a parsed config.json comes from this generator (random weights). */
export function isGeneratedModelConfig(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as Record<string, unknown>)[GENERATED_MARKER_KEY] === true;
}
