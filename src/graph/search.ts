import { edgeId, type ConceptRecord, type EdgeRecord } from '../domain.js';
import type { GraphReads } from './graph-reads.js';
import { conceptNeighbourhood, matchConcepts, NO_CONCEPTS } from './neighbourhood.js';
import { analyzeText, matchSentences } from './text-search.js';

const MAX_MATCHED_CONCEPTS = 20;
const MIN_EDGES_PER_CONCEPT = 10;
/** A text naming fewer concepts than this is widened with the concepts of the sentences that best match it. */
const MIN_NAMED_CONCEPTS = 2;
const TEXT_CONCEPTS = 5;
const TEXT_SENTENCES = 20;

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

/**
 * The concepts a text names, and links among them first, then each one's strongest neighbours, by weight. A text
 * naming fewer than two concepts ("coronavirus spike protein ACE2" names one) is widened with the concepts most
 * mentioned, for their specificity, in the sentences that best match its words.
 */
export async function searchGraph(
  graph: GraphReads,
  text: string,
  years: readonly number[] | null,
  limit: number,
  exclude: ReadonlySet<string> = NO_CONCEPTS,
): Promise<GraphSearchResult> {
  const named = await matchConcepts(graph, text, MAX_MATCHED_CONCEPTS, exclude);
  const concepts = named.length < MIN_NAMED_CONCEPTS ? [...named, ...(await conceptsAroundText(graph, text, named, exclude))] : named;
  if (concepts.length === 0 || limit === 0) return { concepts, links: [] };

  const matched = new Set(concepts.map((c) => c.id));
  const { inner, around } = await conceptNeighbourhood(graph, concepts, { edgesPerConcept: Math.max(limit, MIN_EDGES_PER_CONCEPT), years, exclude });
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

/** The concepts of the sentences that best match a text, weighted by those sentences' scores and their specificity. */
async function conceptsAroundText(graph: GraphReads, text: string, known: readonly ConceptRecord[], exclude: ReadonlySet<string>): Promise<ConceptRecord[]> {
  const matches = await matchSentences(graph, analyzeText(text), { postingsPerTerm: TEXT_SENTENCES * 10, limit: TEXT_SENTENCES });
  const sentences = await Promise.all(matches.sentences.map(({ key }) => graph.sentence.load(key)));
  const weights = new Map<string, number>();
  const mentions = new Map<string, number>();
  sentences.forEach((sentence, i) => {
    for (const id of sentence?.conceptIds ?? []) {
      weights.set(id, (weights.get(id) ?? 0) + matches.sentences[i].score);
      mentions.set(id, (mentions.get(id) ?? 0) + 1);
    }
  });
  // One sentence is no evidence that a concept is what the text is about.
  for (const [id, count] of mentions) if (count < 2) weights.delete(id);
  for (const concept of known) weights.delete(concept.id);
  for (const id of exclude) weights.delete(id);
  const [candidates, stats] = await Promise.all([Promise.all([...weights.keys()].map((id) => graph.concept.load(id))), graph.stats()]);
  return candidates
    .filter((c): c is ConceptRecord => c !== null)
    .map((concept) => ({ concept, weight: weights.get(concept.id)! * specificity(concept.rank, stats.sentences) }))
    .sort((a, b) => b.weight - a.weight || (a.concept.id < b.concept.id ? -1 : 1))
    .slice(0, TEXT_CONCEPTS)
    .map(({ concept }) => concept);
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
