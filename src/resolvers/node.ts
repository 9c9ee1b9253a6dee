import { canonicalEdge, parsePassageKey, parseSentenceKey, passageOf, sentenceKey, type EdgeKey } from '../domain.js';
import type { GraphReads } from '../graph/graph-reads.js';
import type { NodeResolvers, ResolversInterfaceTypes, ResolversTypes } from './generated-types.js';

/** Concept ids come from TSV fields or keyphrase words and article ids hold no whitespace: a tab is in no other id. */
const EDGE_ID_SEPARATOR = '\t';

export function edgeNodeId(edge: EdgeKey): string {
  const { source, target } = canonicalEdge(edge.source, edge.target);
  return `${source}${EDGE_ID_SEPARATOR}${target}`;
}

type NodeParent = ResolversInterfaceTypes<ResolversTypes>['Node'];

/**
 * The object a node id names. Edge ids are the only ids with a tab; sentence and passage keys end in "#<n>" or
 * "#<n>-<m>" after an article id (which never holds "#"); anything else is a concept's or an article's id.
 */
export async function loadNode(graph: GraphReads, id: string): Promise<NodeParent | null> {
  const ends = id.split(EDGE_ID_SEPARATOR);
  if (ends.length === 2) return graph.edge.load(canonicalEdge(ends[0], ends[1]));
  if (ends.length > 2) return null;
  const sentence = parseSentenceKey(id);
  if (sentence) return graph.sentence.load(id);
  const passage = parsePassageKey(id);
  if (passage) {
    const positions = Array.from({ length: passage.last - passage.first + 1 }, (_, i) => passage.first + i);
    const sentences = await Promise.all(positions.map((position) => graph.sentence.load(sentenceKey(passage.articleId, position))));
    return sentences.every((s) => s !== null) ? passageOf(sentences) : null;
  }
  return (await graph.concept.load(id)) ?? (await graph.article.load(id));
}

export const Node: NodeResolvers = {
  __resolveType: (parent) => {
    if ('surfaceForms' in parent) return 'Concept';
    if ('contentHash' in parent) return 'Article';
    if ('sentences' in parent) return 'Passage';
    if ('mentions' in parent) return 'Sentence';
    return 'Edge';
  },
};
