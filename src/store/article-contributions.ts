import { edgeId, type EdgeKey, type SentenceRecord } from '../domain.js';
import { sentenceEdges } from './cooccurrence.js';

export interface ConceptContribution {
  /** Positions of the article's sentences that mention the concept. */
  positions: number[];
  /** Per neighbouring concept, how many of those sentences mention it too. */
  neighbours: Map<string, number>;
}

export interface EdgeContribution {
  edge: EdgeKey;
  /** (position, proximity score) of each of the article's sentences that mention both concepts. */
  sentences: [number, number][];
}

/** What one version of an article adds to each concept and edge: the unit the Redis scripts set and replace. */
export interface ArticleContributions {
  concepts: Map<string, ConceptContribution>;
  edges: Map<string, EdgeContribution>;
}

export function articleContributions(sentences: Iterable<Pick<SentenceRecord, 'position' | 'conceptIds' | 'mentions'>>): ArticleContributions {
  const concepts = new Map<string, ConceptContribution>();
  const edges = new Map<string, EdgeContribution>();
  const concept = (id: string) => {
    let contribution = concepts.get(id);
    if (!contribution) concepts.set(id, (contribution = { positions: [], neighbours: new Map() }));
    return contribution;
  };
  for (const sentence of sentences) {
    for (const id of sentence.conceptIds) concept(id).positions.push(sentence.position);
    for (const { edge, score } of sentenceEdges(sentence)) {
      const id = edgeId(edge);
      let contribution = edges.get(id);
      if (!contribution) edges.set(id, (contribution = { edge, sentences: [] }));
      contribution.sentences.push([sentence.position, score]);
      for (const [end, other] of [[edge.source, edge.target], [edge.target, edge.source]]) {
        const { neighbours } = concept(end);
        neighbours.set(other, (neighbours.get(other) ?? 0) + 1);
      }
    }
  }
  return { concepts, edges };
}
