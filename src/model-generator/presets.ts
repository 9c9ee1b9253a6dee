/**
 * The extractive-QA architectures we can generate, and their shapes: a tiny one per family for tests, and each
 * family's base shape (as its most used Hub checkpoints have it) for benchmarks.
 */

export const MODEL_FAMILIES = ['bert', 'distilbert', 'roberta', 'xlm-roberta', 'albert', 'electra', 'deberta-v3'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

export interface QaModelShape {
  family: ModelFamily;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  /** Rows of the word-embedding table: the real checkpoint's count, raised to the tokenizer's when that has more. */
  vocabSize: number;
  /** 0: no token-type embeddings, and so no token_type_ids input (DeBERTa-v3). */
  typeVocabSize: number;
  layerNormEps: number;
  /** Width of the embeddings; narrower than hiddenSize (ALBERT, ELECTRA-small) means a projection up. */
  embeddingSize: number;
  /** DeBERTa: relative positions are bucketed into 2 × positionBuckets embeddings (log-spaced beyond half of it). */
  positionBuckets: number;
  /** The padding id, from which RoBERTa and XLM-R count positions (their padding_idx). */
  padTokenId: number;
}

export const PRESET_NAMES = [
  'bert-tiny',
  'bert-base',
  'bert-large',
  'distilbert-tiny',
  'distilbert-base',
  'roberta-tiny',
  'roberta-base',
  'xlm-roberta-tiny',
  'xlm-roberta-base',
  'albert-tiny',
  'albert-base',
  'electra-tiny',
  'electra-base',
  'deberta-v3-tiny',
  'deberta-v3-base',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** "tiny" is the name `npm start` and the tests have always used for bert-tiny. */
const PRESET_ALIASES: Record<string, PresetName> = { tiny: 'bert-tiny' };

// bert-base-uncased's WordPiece vocabulary, which the BERT and ELECTRA presets ship.
export const BERT_UNCASED_VOCAB_SIZE = 30522;

type Size = Pick<QaModelShape, 'hiddenSize' | 'numHiddenLayers' | 'numAttentionHeads' | 'intermediateSize'>;
const TINY: Size = { hiddenSize: 64, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 128 };
const BASE: Size = { hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072 };
const LARGE: Size = { hiddenSize: 1024, numHiddenLayers: 24, numAttentionHeads: 16, intermediateSize: 4096 };

/** Everything but the size, per family, as the family's Hub configs have it. */
const FAMILY: Record<ModelFamily, Omit<QaModelShape, keyof Size>> = {
  bert: { family: 'bert', maxPositionEmbeddings: 512, vocabSize: BERT_UNCASED_VOCAB_SIZE, typeVocabSize: 2, layerNormEps: 1e-12, embeddingSize: 0, positionBuckets: 0, padTokenId: 0 },
  // distilbert-base-cased-distilled-squad: no token types.
  distilbert: { family: 'distilbert', maxPositionEmbeddings: 512, vocabSize: 28996, typeVocabSize: 0, layerNormEps: 1e-12, embeddingSize: 0, positionBuckets: 0, padTokenId: 0 },
  // roberta-base: positions start after padding_idx 1, so 512 tokens need 514 rows; one token type.
  roberta: { family: 'roberta', maxPositionEmbeddings: 514, vocabSize: 50265, typeVocabSize: 1, layerNormEps: 1e-5, embeddingSize: 0, positionBuckets: 0, padTokenId: 1 },
  'xlm-roberta': { family: 'xlm-roberta', maxPositionEmbeddings: 514, vocabSize: 250002, typeVocabSize: 1, layerNormEps: 1e-5, embeddingSize: 0, positionBuckets: 0, padTokenId: 1 },
  // albert-base-v2: 128-wide embeddings projected to the hidden size; one layer's weights shared by all layers.
  albert: { family: 'albert', maxPositionEmbeddings: 512, vocabSize: 30000, typeVocabSize: 2, layerNormEps: 1e-12, embeddingSize: 128, positionBuckets: 0, padTokenId: 0 },
  // electra-base-discriminator (deepset/electra-base-squad2): embeddings as wide as the hidden size; electra-small's are 128 of 256.
  electra: { family: 'electra', maxPositionEmbeddings: 512, vocabSize: BERT_UNCASED_VOCAB_SIZE, typeVocabSize: 2, layerNormEps: 1e-12, embeddingSize: 0, positionBuckets: 0, padTokenId: 0 },
  // deberta-v3-base: no absolute positions and no token types; 256 relative position buckets.
  'deberta-v3': { family: 'deberta-v3', maxPositionEmbeddings: 512, vocabSize: 128100, typeVocabSize: 0, layerNormEps: 1e-7, embeddingSize: 0, positionBuckets: 256, padTokenId: 0 },
};

function preset(family: ModelFamily, size: Size, overrides: Partial<QaModelShape> = {}): QaModelShape {
  const shape = { ...FAMILY[family], ...size, ...overrides };
  return { ...shape, embeddingSize: shape.embeddingSize || shape.hiddenSize };
}

// Tiny presets keep each family's distinguishing features: factorized embeddings (ALBERT, ELECTRA) narrower than
// the hidden size, and DeBERTa buckets small enough that sentences reach the log-spaced ones. Their vocabulary is
// exactly the tokenizer's.
const tiny = (family: ModelFamily, overrides: Partial<QaModelShape> = {}) => preset(family, TINY, { vocabSize: 0, ...overrides });

export const PRESETS: Record<PresetName, QaModelShape> = {
  'bert-tiny': tiny('bert'),
  'bert-base': preset('bert', BASE),
  'bert-large': preset('bert', LARGE),
  'distilbert-tiny': tiny('distilbert'),
  'distilbert-base': preset('distilbert', { ...BASE, numHiddenLayers: 6 }),
  'roberta-tiny': tiny('roberta'),
  'roberta-base': preset('roberta', BASE),
  'xlm-roberta-tiny': tiny('xlm-roberta'),
  'xlm-roberta-base': preset('xlm-roberta', BASE),
  'albert-tiny': tiny('albert', { embeddingSize: 32 }),
  'albert-base': preset('albert', BASE),
  'electra-tiny': tiny('electra', { embeddingSize: 32 }),
  'electra-base': preset('electra', BASE),
  'deberta-v3-tiny': tiny('deberta-v3', { positionBuckets: 8 }),
  'deberta-v3-base': preset('deberta-v3', BASE),
};

/** The preset a name means (aliases included), or null. */
export function presetNamed(name: string): PresetName | null {
  if ((PRESET_NAMES as readonly string[]).includes(name)) return name as PresetName;
  return PRESET_ALIASES[name] ?? null;
}

/** Number of fp32 parameters in the QA model (embeddings, encoder, QA head); ALBERT counts its shared layer once. */
export function parameterCount(s: QaModelShape): number {
  const h = s.hiddenSize;
  const e = s.embeddingSize;
  const positions = s.family === 'deberta-v3' ? 0 : s.maxPositionEmbeddings;
  let embeddings = (s.vocabSize + positions + s.typeVocabSize) * e + 2 * e;
  if (e !== h) embeddings += e * h + h;
  if (s.family === 'deberta-v3') embeddings += 2 * s.positionBuckets * h + 2 * h; // relative embeddings and their LayerNorm
  const attention = 4 * (h * h + h) + 2 * h;
  const ffn = h * s.intermediateSize + s.intermediateSize + s.intermediateSize * h + h + 2 * h;
  const layers = s.family === 'albert' ? 1 : s.numHiddenLayers;
  return embeddings + layers * (attention + ffn) + (h * 2 + 2);
}
