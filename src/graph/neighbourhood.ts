import { canonicalEdge, type ConceptRecord, type EdgeRecord } from '../domain.js';
import type { GraphReads } from './graph-reads.js';

export const NO_CONCEPTS: ReadonlySet<string> = new Set();

/** The stored concepts a text names, at most `max` of them, in the order the matcher found them; none of `exclude`. */
export async function matchConcepts(graph: GraphReads, text: string, max: number, exclude: ReadonlySet<string> = NO_CONCEPTS): Promise<ConceptRecord[]> {
  const ids = (await graph.questionConcepts(text)).filter((id) => !exclude.has(id)).slice(0, max);
  const concepts = await Promise.all(ids.map((id) => graph.concept.load(id)));
  return concepts.filter((concept): concept is ConceptRecord => concept !== null);
}

export interface NeighbourhoodOptions {
  /** Strongest edges read around each concept. */
  edgesPerConcept: number;
  /** Only edges with an article of one of these years; all edges when null or empty. */
  years: readonly number[] | null;
  /** Concepts hidden by the user: no edge to one of them is read. */
  exclude?: ReadonlySet<string>;
}

export interface Neighbourhood {
  /** Edges between two of the concepts, pair by pair. */
  inner: EdgeRecord[];
  /** Each concept's strongest edges, concept by concept, strongest first; may repeat inner edges. */
  around: EdgeRecord[];
}

/** The edges among the concepts and around each, read in one batch of each kind, filtered by year and exclusions. */
export async function conceptNeighbourhood(graph: GraphReads, concepts: readonly ConceptRecord[], options: NeighbourhoodOptions): Promise<Neighbourhood> {
  const exclude = options.exclude ?? NO_CONCEPTS;
  const pairs = concepts.flatMap((a, i) => concepts.slice(i + 1).map((b) => canonicalEdge(a.id, b.id)));
  // A concept has at most one edge to each excluded concept: reading that many more keeps each page full.
  const limit = options.edgesPerConcept + exclude.size;
  const [inner, pages] = await Promise.all([
    Promise.all(pairs.map((pair) => graph.edge.load(pair))),
    Promise.all(concepts.map((c) => graph.conceptEdges.load({ conceptId: c.id, page: { offset: 0, limit } }))),
  ]);
  const allowed = (edge: EdgeRecord | null): edge is EdgeRecord => edge !== null && !exclude.has(edge.source) && !exclude.has(edge.target);
  const kept = (edge: EdgeRecord | null): edge is EdgeRecord => allowed(edge) && inYears(edge.years, options.years);
  const around = pages.flatMap((page) => page.items.filter(allowed).slice(0, options.edgesPerConcept)).filter(kept);
  return { inner: inner.filter(kept), around };
}

/** Whether any of `years` is wanted; every year is when `wanted` is null or empty. */
export function inYears(years: readonly number[], wanted: readonly number[] | null): boolean {
  return !wanted || wanted.length === 0 || years.some((year) => wanted.includes(year));
}
