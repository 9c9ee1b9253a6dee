import { GraphQLError } from 'graphql';
import { canonicalEdge, type EdgeRecord } from '../domain.js';
import { edgeWeight } from '../graph/search.js';
import type { GraphReads } from '../graph/graph-reads.js';
import type { Page } from '../store/store.js';
import { countArgument, encodeCursor, excludeArgument, pageArguments } from './arguments.js';
import type {
  ArticleResolvers,
  ConceptResolvers,
  EdgeConnectionEdgeResolvers,
  EdgeConnectionResolvers,
  EdgeResolvers,
  MentionResolvers,
  SearchResultResolvers,
  SentenceConnectionEdgeResolvers,
  SentenceConnectionResolvers,
  PassageResolvers,
  SentenceResolvers,
} from './generated-types.js';
import { edgeNodeId } from './node.js';
import type { ConnectionParent } from './parents.js';

export const MAX_PAGE_SIZE = 100;
export const MAX_EDGE_SENTENCES = 100;

/** A record the graph points at but the store lacks means the store is inconsistent, not that the client erred. */
function present<T>(value: T | null, what: string): T {
  if (value === null) throw new GraphQLError(`${what} is missing from the store`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  return value;
}

/** An item's place in the full list: its cursor. */
function position<T>(parent: ConnectionParent<T>, index: number): number {
  return parent.filtered?.positions[index] ?? parent.offset + index;
}

/** The fields every Relay-style connection shares, whatever its items are. */
function connectionResolvers<T>() {
  return {
    edges: (parent: ConnectionParent<T>) => parent.items.map((item, index) => ({ item, cursor: encodeCursor(position(parent, index)) })),
    pageInfo: (parent: ConnectionParent<T>) => {
      const last = parent.items.length - 1;
      const empty = parent.items.length === 0;
      return {
        hasNextPage: parent.filtered?.hasNextPage ?? parent.offset + last + 1 < parent.total,
        hasPreviousPage: parent.offset > 0,
        startCursor: empty ? null : encodeCursor(position(parent, 0)),
        endCursor: empty ? null : encodeCursor(position(parent, last)),
      };
    },
    totalCount: (parent: ConnectionParent<T>) => parent.total,
  };
}

export const SearchResult: SearchResultResolvers = {
  concepts: (parent) => parent.concepts,
  links: (parent) => parent.links,
  years: (parent) => [...new Set(parent.links.flatMap((link) => link.years))].sort((a, b) => a - b),
};

export const Concept: ConceptResolvers = {
  origin: (concept) => (concept.origin === 'vocabulary' ? 'VOCABULARY' : 'CORPUS'),
  edges: async (concept, { first, after, exclude }, { graph }) => {
    const page = pageArguments(first, after, 10, MAX_PAGE_SIZE);
    const excluded = excludeArgument(exclude);
    const orient = (edge: EdgeRecord) => (edge.source === concept.id ? edge : { ...edge, source: edge.target, target: edge.source });
    if (excluded.size === 0) {
      const { total, items } = await graph.conceptEdges.load({ conceptId: concept.id, page });
      return { items: items.map(orient), offset: page.offset, total };
    }
    return excludedEdgesPage(graph, concept.id, page, excluded, orient);
  },
};

/**
 * A page of a concept's edges without those to excluded concepts. It has at most one edge to each, so reading that
 * many more fills the page; cursors stay places in the full list, so pages chain as without exclusions.
 */
async function excludedEdgesPage(
  graph: GraphReads,
  conceptId: string,
  page: Page,
  excluded: ReadonlySet<string>,
  orient: (edge: EdgeRecord) => EdgeRecord,
): Promise<ConnectionParent<EdgeRecord>> {
  const other = (edge: EdgeRecord) => (edge.source === conceptId ? edge.target : edge.source);
  const hidden = (await Promise.all([...excluded].map((id) => graph.edge.load(canonicalEdge(conceptId, id))))).filter((e): e is EdgeRecord => e !== null);
  const { total, items } = await graph.conceptEdges.load({ conceptId, page: { offset: page.offset, limit: page.limit + hidden.length } });
  const kept = items
    .map((edge, i) => ({ edge, position: page.offset + i }))
    .filter(({ edge }) => !excluded.has(other(edge)))
    .slice(0, page.limit);
  const last = kept.at(-1);
  // The store's order: rank, highest first, then the other concept's id.
  const after = (edge: EdgeRecord, than: EdgeRecord) => edge.rank < than.rank || (edge.rank === than.rank && other(edge) > other(than));
  const following = last ? total - last.position - 1 - hidden.filter((edge) => after(edge, last.edge)).length : 0;
  return {
    items: kept.map(({ edge }) => orient(edge)),
    offset: page.offset,
    total: total - hidden.length,
    filtered: { positions: kept.map(({ position }) => position), hasNextPage: following > 0 },
  };
}

export const EdgeConnection: EdgeConnectionResolvers = connectionResolvers<EdgeRecord>();

export const EdgeConnectionEdge: EdgeConnectionEdgeResolvers = {
  cursor: (parent) => parent.cursor,
  node: (parent) => parent.item,
};

export const Edge: EdgeResolvers = {
  id: (edge) => edgeNodeId(edge),
  source: async (edge, _, { graph }) => present(await graph.concept.load(edge.source), `concept ${edge.source}`),
  target: async (edge, _, { graph }) => present(await graph.concept.load(edge.target), `concept ${edge.target}`),
  weight: async (edge, _, { graph }) => {
    const [source, target, stats] = await Promise.all([graph.concept.load(edge.source), graph.concept.load(edge.target), graph.stats()]);
    return edgeWeight(edge, source, target, stats.sentences);
  },
  sentences: async (edge, { first }, { graph }) => {
    const limit = countArgument('first', first, 5, MAX_EDGE_SENTENCES);
    const ranked = await graph.edgeSentences.load({ edge: canonicalEdge(edge.source, edge.target), limit });
    const sentences = await Promise.all(ranked.map(({ key }) => graph.sentence.load(key)));
    return sentences.map((sentence, i) => present(sentence, `sentence ${ranked[i].key}`));
  },
};

export const Sentence: SentenceResolvers = {
  id: (sentence) => sentence.key,
  article: async (sentence, _, { graph }) => present(await graph.article.load(sentence.articleId), `article ${sentence.articleId}`),
  concepts: async (sentence, _, { graph }) => {
    const concepts = await Promise.all(sentence.conceptIds.map((id) => graph.concept.load(id)));
    return concepts.map((concept, i) => present(concept, `concept ${sentence.conceptIds[i]}`));
  },
  mentions: (sentence) => sentence.mentions,
};

export const Mention: MentionResolvers = {
  concept: async (mention, _, { graph }) => present(await graph.concept.load(mention.conceptId), `concept ${mention.conceptId}`),
};

export const Passage: PassageResolvers = {
  id: (passage) => passage.key,
  article: async (passage, _, { graph }) => present(await graph.article.load(passage.articleId), `article ${passage.articleId}`),
  sentences: (passage) => passage.sentences,
};

export const Article: ArticleResolvers = {
  sentences: async (article, { first, after }, { graph }) => {
    const page = pageArguments(first, after, 20, MAX_PAGE_SIZE);
    const { total, items } = await graph.articleSentences.load({ articleId: article.id, page });
    return { items, offset: page.offset, total };
  },
};

export const SentenceConnection: SentenceConnectionResolvers = connectionResolvers<string>();

export const SentenceConnectionEdge: SentenceConnectionEdgeResolvers = {
  cursor: (parent) => parent.cursor,
  node: async (parent, _, { graph }) => present(await graph.sentence.load(parent.item), `sentence ${parent.item}`),
};

