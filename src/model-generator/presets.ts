/** Shapes of the BERT question-answering models we can generate. */
export interface BertQaShape {
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  vocabSize: number;
  typeVocabSize: number;
  layerNormEps: number;
}

export const PRESET_NAMES = ['tiny', 'distilbert-base', 'bert-base', 'bert-large'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

// bert-base-uncased's WordPiece vocabulary, which every preset ships.
export const BERT_UNCASED_VOCAB_SIZE = 30522;

function shape(
  hiddenSize: number,
  numHiddenLayers: number,
  numAttentionHeads: number,
  intermediateSize: number,
): BertQaShape {
  return {
    hiddenSize,
    numHiddenLayers,
    numAttentionHeads,
    intermediateSize,
    maxPositionEmbeddings: 512,
    vocabSize: BERT_UNCASED_VOCAB_SIZE,
    typeVocabSize: 2,
    layerNormEps: 1e-12,
  };
}

/**
 * "distilbert-base" is DistilBERT's size (6 layers of 768) in BERT's
 * architecture (it keeps token-type embeddings), so every preset is model_type "bert".
 */
export const PRESETS: Record<PresetName, BertQaShape> = {
  tiny: shape(64, 2, 2, 128),
  'distilbert-base': shape(768, 6, 12, 3072),
  'bert-base': shape(768, 12, 12, 3072),
  'bert-large': shape(1024, 24, 16, 4096),
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** Number of fp32 parameters in the QA model (embeddings, encoder, QA head). */
export function parameterCount(s: BertQaShape): number {
  const h = s.hiddenSize;
  const embeddings = (s.vocabSize + s.maxPositionEmbeddings + s.typeVocabSize) * h + 2 * h;
  const attention = 4 * (h * h + h) + 2 * h;
  const ffn = h * s.intermediateSize + s.intermediateSize + s.intermediateSize * h + h + 2 * h;
  const qaHead = h * 2 + 2;
  return embeddings + s.numHiddenLayers * (attention + ffn) + qaHead;
}
