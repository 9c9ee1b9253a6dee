import { canonicalEdge, edgeId, type ConceptRecord, type EdgeKey, type SentenceRecord } from '../domain.js';
import type { GraphReads } from '../graph/graph-reads.js';
import { conceptNeighbourhood, inYears, matchConcepts } from '../graph/neighbourhood.js';
import { rankLexically, type PoolLink, type RankedSentence } from './lexical-rank.js';
import type { RetrievalMemo } from './retrieval-memo.js';

export interface RetrievalOptions {
  /** Sentences handed to the reader. */
  candidates: number;
  years: readonly number[] | null;
}

export interface Retrieval {
  /** The corpus version retrieved from. */
  corpusVersion: string;
  concepts: ConceptRecord[];
  /** Best first; each with the edge that led to it. */
  candidates: RankedSentence[];
}

const MAX_QUESTION_CONCEPTS = 12;
const NEIGHBOUR_EDGES_PER_CONCEPT = 40;
const SENTENCES_PER_INNER_EDGE = 60;
const SENTENCES_PER_NEIGHBOUR_EDGE = 12;
/** A concept this rare is read in full; commoner ones are reached through their edges only. */
const MAX_FULLY_READ_CONCEPT_RANK = 400;

/**
 * The sentences to read for a question: a pool gathered around the question's concepts (see sentencePool),
 * ranked lexically against the question (see rankLexically), so a question naming one concept still finds its
 * sentence. With a memo, the same question on the same corpus version is retrieved once.
 */
export async function retrieveCandidates(
  graph: GraphReads,
  question: string,
  options: RetrievalOptions,
  memo?: RetrievalMemo<Retrieval>,
): Promise<Retrieval> {
  const corpusVersion = await graph.corpusVersion();
  const retrieve = async () => ({ corpusVersion, ...(await walkAndRank(graph, question, options)) });
  return memo ? memo.get(corpusVersion, JSON.stringify([question, options.candidates, options.years]), retrieve) : retrieve();
}

async function walkAndRank(graph: GraphReads, question: string, options: RetrievalOptions): Promise<Omit<Retrieval, 'corpusVersion'>> {
  const concepts = await matchConcepts(graph, question, MAX_QUESTION_CONCEPTS);
  if (concepts.length === 0 || options.candidates === 0) return { concepts, candidates: [] };
  const { sentences, links } = await sentencePool(graph, concepts, options.years);
  return { concepts, candidates: rankLexically(question, concepts, sentences, links).slice(0, options.candidates) };
}

/**
 * Every edge among the concepts and the strongest edges around each, their best sentences, and every sentence of
 * the rarer concepts; with years, only sentences of articles from those years. Each sentence with how it was reached.
 */
async function sentencePool(
  graph: GraphReads,
  concepts: readonly ConceptRecord[],
  years: readonly number[] | null,
): Promise<{ sentences: SentenceRecord[]; links: Map<string, PoolLink> }> {
  const { inner, around } = await conceptNeighbourhood(graph, concepts, { edgesPerConcept: NEIGHBOUR_EDGES_PER_CONCEPT, years });
  const walks = new Map<string, { edge: EdgeKey; limit: number }>();
  for (const edge of inner) walks.set(edgeId(edge), { edge: canonicalEdge(edge.source, edge.target), limit: SENTENCES_PER_INNER_EDGE });
  for (const edge of around) {
    if (!walks.has(edgeId(edge))) walks.set(edgeId(edge), { edge: canonicalEdge(edge.source, edge.target), limit: SENTENCES_PER_NEIGHBOUR_EDGE });
  }
  const walked = [...walks.values()];
  const rare = concepts.filter((c) => c.rank <= MAX_FULLY_READ_CONCEPT_RANK);
  const [ranked, mentioning] = await Promise.all([
    Promise.all(walked.map((walk) => graph.edgeSentences.load(walk))),
    Promise.all(rare.map((c) => graph.conceptSentences.load({ conceptId: c.id, limit: MAX_FULLY_READ_CONCEPT_RANK }))),
  ]);
  const links = new Map<string, PoolLink>();
  ranked.forEach((list, i) => {
    for (const { key, score } of list) if (!links.has(key)) links.set(key, { edge: walked[i].edge, edgeScore: score });
  });
  for (const key of mentioning.flat()) if (!links.has(key)) links.set(key, { edge: null, edgeScore: 0 });
  let sentences = (await Promise.all([...links.keys()].map((key) => graph.sentence.load(key)))).filter(
    (s): s is SentenceRecord => s !== null,
  );
  if (years && years.length > 0) {
    // Edges were filtered by their years; sentences reached through a concept alone are filtered by their article's.
    const articles = await Promise.all(sentences.map((s) => graph.article.load(s.articleId)));
    sentences = sentences.filter((_, i) => articles[i]?.year != null && inYears([articles[i]!.year!], years));
  }
  return { sentences, links };
}
