/** config.json of a generated model, in Hugging Face's BertConfig format. */
import type { BertQaShape, PresetName } from './presets.js';

/**
 * config.json key marking a model whose weights are random: its answers mean
 * nothing, and a server loading it should say so.
 */
export const GENERATED_MARKER_KEY = 'kgqa_generated';

export interface GeneratedModelConfig {
  model_type: 'bert';
  architectures: ['BertForQuestionAnswering'];
  [GENERATED_MARKER_KEY]: true;
  kgqa_seed: number;
  kgqa_preset: PresetName;
  [key: string]: unknown;
}

export function bertQaConfigJson(preset: PresetName, shape: BertQaShape, seed: number): GeneratedModelConfig {
  return {
    model_type: 'bert',
    architectures: ['BertForQuestionAnswering'],
    hidden_size: shape.hiddenSize,
    num_hidden_layers: shape.numHiddenLayers,
    num_attention_heads: shape.numAttentionHeads,
    intermediate_size: shape.intermediateSize,
    max_position_embeddings: shape.maxPositionEmbeddings,
    vocab_size: shape.vocabSize,
    type_vocab_size: shape.typeVocabSize,
    layer_norm_eps: shape.layerNormEps,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    initializer_range: 0.02,
    pad_token_id: 0,
    position_embedding_type: 'absolute',
    [GENERATED_MARKER_KEY]: true,
    kgqa_seed: seed,
    kgqa_preset: preset,
  };
}

/** True when a parsed config.json comes from this generator (random weights). */
export function isGeneratedModelConfig(config: unknown): boolean {
  return typeof config === 'object' && config !== null && (config as Record<string, unknown>)[GENERATED_MARKER_KEY] === true;
}
