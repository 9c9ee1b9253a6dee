import { edgeId, type ConceptRecord, type EdgeRecord } from '../domain.js';
import type { GraphReads } from './graph-reads.js';
import { conceptNeighbourhood, matchConcepts } from './neighbourhood.js';

const MAX_MATCHED_CONCEPTS = 20;
const MIN_EDGES_PER_CONCEPT = 10;

/** The concepts a search text names and the links found around them, best first. */
export interface GraphSearchResult {
  concepts: ConceptRecord[];
  links: EdgeRecord[];
}

/**
 * How much a concept says: ln(1 + sentences / rank). A concept in every sentence ("Humans") weighs ~0.7,
 * one in 1% of them ~4.6, so links between specific concepts outrank links to ubiquitous ones.
 */
export function specificity(rank: number, totalSentences: number): number {
  return Math.log(1 + totalSentences / Math.max(1, rank));
}

export function edgeWeight(edge: EdgeRecord, source: ConceptRecord | null, target: ConceptRecord | null, totalSentences: number): number {
  return edge.rank * specificity(source?.rank ?? 1, totalSentences) * specificity(target?.rank ?? 1, totalSentences);
}

/** Links among the matched concepts first, then each matched concept's strongest neighbours, by weight. */
export async function searchGraph(graph: GraphReads, text: string, years: readonly number[] | null, limit: number): Promise<GraphSearchResult> {
  const concepts = await matchConcepts(graph, text, MAX_MATCHED_CONCEPTS);
  if (concepts.length === 0 || limit === 0) return { concepts, links: [] };

  const matched = new Set(concepts.map((c) => c.id));
  const { inner, around } = await conceptNeighbourhood(graph, concepts, { edgesPerConcept: Math.max(limit, MIN_EDGES_PER_CONCEPT), years });
  const candidates = new Map<string, EdgeRecord>();
  for (const edge of [...inner, ...around]) candidates.set(edgeId(edge), edge);

  const endpointIds = [...new Set([...candidates.values()].flatMap((e) => [e.source, e.target]))];
  const [endpoints, stats] = await Promise.all([Promise.all(endpointIds.map((id) => graph.concept.load(id))), graph.stats()]);
  const byId = new Map(endpoints.filter((c): c is ConceptRecord => c !== null).map((c) => [c.id, c]));
  const scored = [...candidates.values()].map((edge) => ({
    edge: orientFrom(edge, matched),
    inner: matched.has(edge.source) && matched.has(edge.target),
    weight: edgeWeight(edge, byId.get(edge.source) ?? null, byId.get(edge.target) ?? null, stats.sentences),
  }));
  scored.sort((a, b) => Number(b.inner) - Number(a.inner) || b.weight - a.weight || compareEdges(a.edge, b.edge));
  return { concepts, links: scored.slice(0, limit).map((s) => s.edge) };
}

/** A link reads from the concept the user asked about to its neighbour. */
function orientFrom(edge: EdgeRecord, matched: Set<string>): EdgeRecord {
  return matched.has(edge.source) || !matched.has(edge.target) ? edge : { ...edge, source: edge.target, target: edge.source };
}

function compareEdges(a: EdgeRecord, b: EdgeRecord): number {
  const x = edgeId(a);
  const y = edgeId(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
