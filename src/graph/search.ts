import { canonicalEdge, edgeId, type ConceptRecord, type EdgeRecord } from '../domain.js';
import type { SearchResultParent } from '../resolvers/parents.js';
import type { RequestContext } from '../server/request-context.js';

const MAX_MATCHED_CONCEPTS = 20;

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
export async function searchGraph(
  context: RequestContext,
  text: string,
  years: readonly number[] | null,
  limit: number,
): Promise<SearchResultParent> {
  const { loaders, services } = context;
  const matchedIds = (await services.questionConcepts.match(text)).slice(0, MAX_MATCHED_CONCEPTS);
  const concepts = (await Promise.all(matchedIds.map((id) => loaders.concept.load(id)))).filter(isConcept);
  if (concepts.length === 0 || limit === 0) return { concepts, links: [] };

  const matched = new Set(concepts.map((c) => c.id));
  const pairs = concepts.flatMap((a, i) => concepts.slice(i + 1).map((b) => canonicalEdge(a.id, b.id)));
  const [between, neighbourhoods] = await Promise.all([
    Promise.all(pairs.map((pair) => loaders.edge.load(pair))),
    Promise.all(
      concepts.map((c) => loaders.conceptEdges.load({ conceptId: c.id, page: { offset: 0, limit: Math.max(limit, 10) } })),
    ),
  ]);
  const candidates = new Map<string, EdgeRecord>();
  for (const edge of [...between, ...neighbourhoods.flatMap((n) => n.items)]) {
    if (!edge) continue;
    if (years && years.length > 0 && !edge.years.some((y) => years.includes(y))) continue;
    candidates.set(edgeId(edge), edge);
  }

  const endpointIds = [...new Set([...candidates.values()].flatMap((e) => [e.source, e.target]))];
  const [endpoints, stats] = await Promise.all([
    Promise.all(endpointIds.map((id) => loaders.concept.load(id))),
    context.stats(),
  ]);
  const byId = new Map(endpoints.filter(isConcept).map((c) => [c.id, c]));
  const scored = [...candidates.values()].map((edge) => ({
    edge: orientFrom(edge, matched),
    inner: matched.has(edge.source) && matched.has(edge.target),
    weight: edgeWeight(edge, byId.get(edge.source) ?? null, byId.get(edge.target) ?? null, stats.sentences),
  }));
  scored.sort((a, b) => Number(b.inner) - Number(a.inner) || b.weight - a.weight || compareEdges(a.edge, b.edge));
  return { concepts, links: scored.slice(0, limit).map((s) => s.edge) };
}

function isConcept(value: ConceptRecord | null): value is ConceptRecord {
  return value !== null;
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
