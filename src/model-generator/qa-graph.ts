/** The ONNX graph of a generated QA model of any family, with seeded random weights. */
import { GraphBuilder } from './onnx-graph.js';
import { WeightMaker, type WeightFormat } from './graph-weights.js';
import { buildAlbertGraph } from './albert-qa-graph.js';
import { buildBertLikeGraph } from './bert-qa-graph.js';
import { buildDebertaV2Graph } from './deberta-v2-qa-graph.js';
import { buildDistilBertGraph } from './distilbert-qa-graph.js';
import type { QaModelShape } from './presets.js';

export interface QaGraphOptions {
  shape: QaModelShape;
  seed: number;
  weights: WeightFormat;
}

export function buildQaGraph({ shape, seed, weights }: QaGraphOptions): GraphBuilder {
  if (shape.hiddenSize % shape.numAttentionHeads !== 0) {
    throw new Error(`hidden size ${shape.hiddenSize} is not a multiple of ${shape.numAttentionHeads} heads`);
  }
  const g = new GraphBuilder(`${shape.family.replace(/-/g, '_')}_for_question_answering`);
  const w = new WeightMaker(g, seed, weights);
  switch (shape.family) {
    case 'bert':
    case 'roberta':
    case 'xlm-roberta':
    case 'electra':
      buildBertLikeGraph(g, w, { ...shape, family: shape.family });
      break;
    case 'distilbert':
      buildDistilBertGraph(g, w, shape);
      break;
    case 'albert':
      buildAlbertGraph(g, w, shape);
      break;
    case 'deberta-v3':
      buildDebertaV2Graph(g, w, shape);
      break;
  }
  return g;
}
