import { canonicalEdge, type ConceptRecord, type EdgeRecord } from '../domain.js';
import type { GraphReads } from './graph-reads.js';

/** The stored concepts a text names, at most `max` of them, in the order the matcher found them. */
export async function matchConcepts(graph: GraphReads, text: string, max: number): Promise<ConceptRecord[]> {
  const ids = (await graph.questionConcepts(text)).slice(0, max);
  const concepts = await Promise.all(ids.map((id) => graph.concept.load(id)));
  return concepts.filter((concept): concept is ConceptRecord => concept !== null);
}

export interface NeighbourhoodOptions {
  /** Strongest edges read around each concept. */
  edgesPerConcept: number;
  /** Only edges with an article of one of these years; all edges when null or empty. */
  years: readonly number[] | null;
}

export interface Neighbourhood {
  /** Edges between two of the concepts, pair by pair. */
  inner: EdgeRecord[];
  /** Each concept's strongest edges, concept by concept, strongest first; may repeat inner edges. */
  around: EdgeRecord[];
}

/** The edges among the concepts and around each, read in one batch of each kind, filtered by year. */
export async function conceptNeighbourhood(graph: GraphReads, concepts: readonly ConceptRecord[], options: NeighbourhoodOptions): Promise<Neighbourhood> {
  const pairs = concepts.flatMap((a, i) => concepts.slice(i + 1).map((b) => canonicalEdge(a.id, b.id)));
  const [inner, pages] = await Promise.all([
    Promise.all(pairs.map((pair) => graph.edge.load(pair))),
    Promise.all(concepts.map((c) => graph.conceptEdges.load({ conceptId: c.id, page: { offset: 0, limit: options.edgesPerConcept } }))),
  ]);
  const kept = (edge: EdgeRecord | null): edge is EdgeRecord => edge !== null && inYears(edge.years, options.years);
  return { inner: inner.filter(kept), around: pages.flatMap((page) => page.items).filter(kept) };
}

/** Whether any of `years` is wanted; every year is when `wanted` is null or empty. */
export function inYears(years: readonly number[], wanted: readonly number[] | null): boolean {
  return !wanted || wanted.length === 0 || years.some((year) => wanted.includes(year));
}
