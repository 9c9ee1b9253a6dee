import { canonicalEdge } from '../domain.js';
import { searchGraph } from '../graph/search.js';
import { badInput, countArgument, excludeArgument, idArgument } from './arguments.js';
import type { QueryResolvers } from './generated-types.js';
import { loadNode } from './node.js';

export const MAX_SEARCH_LINKS = 500;
export const MAX_SEARCH_TEXT_LENGTH = 2_000;

export const Query: QueryResolvers = {
  search: async (_, { text, years, limit, exclude }, context) => {
    if (text.length > MAX_SEARCH_TEXT_LENGTH) {
      throw badInput(`"text" must be at most ${MAX_SEARCH_TEXT_LENGTH} characters (got ${text.length})`, 'text');
    }
    return searchGraph(context.graph, text, years ?? null, countArgument('limit', limit, 50, MAX_SEARCH_LINKS), excludeArgument(exclude));
  },
  node: (_, { id }, { graph }) => loadNode(graph, idArgument('id', id)),
  concept: (_, { id }, { graph }) => graph.concept.load(idArgument('id', id)),
  edge: async (_, { source, target }, { graph }) => {
    const edge = await graph.edge.load(canonicalEdge(idArgument('source', source), idArgument('target', target)));
    return edge && { ...edge, source, target };
  },
  sentence: (_, { key }, { graph }) => graph.sentence.load(idArgument('key', key)),
  article: (_, { id }, { graph }) => graph.article.load(idArgument('id', id)),
  stats: (_, __, { graph }) => graph.stats(),
  model: (_, __, { services }) => services.qa?.answers.reader ?? null,
};
