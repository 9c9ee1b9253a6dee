import { canonicalEdge, edgeId, type ConceptRecord, type EdgeKey, type SentenceRecord } from '../domain.js';
import type { RequestContext } from '../server/request-context.js';
import { retrievalMemo } from './retrieval-memo.js';

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
  candidates: { sentence: SentenceRecord; edge: EdgeKey | null; score: number }[];
}

const MAX_QUESTION_CONCEPTS = 12;
const NEIGHBOUR_EDGES_PER_CONCEPT = 40;
const SENTENCES_PER_INNER_EDGE = 60;
const SENTENCES_PER_NEIGHBOUR_EDGE = 12;
const CONCEPT_BONUS = 1.5;
/** A concept this rare is read in full; commoner ones are reached through their edges only. */
const MAX_FULLY_READ_CONCEPT_RANK = 400;
const WORD = /[\p{L}\p{N}]+/gu;

/** Lowercase word stems: enough to let "proteinases" meet "proteinase" without a stemmer's surprises. */
export function terms(text: string): string[] {
  return [...text.toLowerCase().matchAll(WORD)].map(([word]) => (word.length > 4 && word.endsWith('s') ? word.slice(0, -1) : word));
}

/**
 * Walks the graph from the question's concepts: every edge among them and the strongest edges around each,
 * gathers their best sentences plus every sentence of the rarer concepts, then ranks that pool lexically against the question (idf-weighted term overlap
 * plus a bonus per question concept mentioned), so a question naming one concept still finds its sentence.
 */
export async function retrieveCandidates(context: RequestContext, question: string, options: RetrievalOptions): Promise<Retrieval> {
  const { store } = context.services;
  const key = JSON.stringify([question, options.candidates, options.years]);
  // Memoized per corpus version: the same question on the same corpus retrieves the same sentences.
  const corpusVersion = await store.corpusVersion();
  return retrievalMemo<Retrieval>(store).get(corpusVersion, key, async () => ({ corpusVersion, ...(await walkAndRank(context, question, options)) }));
}

async function walkAndRank(context: RequestContext, question: string, options: RetrievalOptions): Promise<Omit<Retrieval, 'corpusVersion'>> {
  const { loaders, services } = context;
  const matchedIds = (await services.questionConcepts.match(question)).slice(0, MAX_QUESTION_CONCEPTS);
  const concepts = (await Promise.all(matchedIds.map((id) => loaders.concept.load(id)))).filter((c): c is ConceptRecord => c !== null);
  if (concepts.length === 0 || options.candidates === 0) return { concepts, candidates: [] };

  const pairs = concepts.flatMap((a, i) => concepts.slice(i + 1).map((b) => canonicalEdge(a.id, b.id)));
  const [inner, neighbourhoods] = await Promise.all([
    Promise.all(pairs.map((pair) => loaders.edge.load(pair))),
    Promise.all(
      concepts.map((c) => loaders.conceptEdges.load({ conceptId: c.id, page: { offset: 0, limit: NEIGHBOUR_EDGES_PER_CONCEPT } })),
    ),
  ]);
  const walks = new Map<string, { edge: EdgeKey; limit: number }>();
  const yearAllowed = (years: number[]) => !options.years || options.years.length === 0 || years.some((y) => options.years!.includes(y));
  for (const edge of inner) {
    if (edge && yearAllowed(edge.years)) walks.set(edgeId(edge), { edge: canonicalEdge(edge.source, edge.target), limit: SENTENCES_PER_INNER_EDGE });
  }
  for (const edge of neighbourhoods.flatMap((n) => n.items)) {
    if (!walks.has(edgeId(edge)) && yearAllowed(edge.years)) {
      walks.set(edgeId(edge), { edge: canonicalEdge(edge.source, edge.target), limit: SENTENCES_PER_NEIGHBOUR_EDGE });
    }
  }
  const walked = [...walks.values()];
  const rare = concepts.filter((c) => c.rank <= MAX_FULLY_READ_CONCEPT_RANK);
  const [ranked, mentioning] = await Promise.all([
    Promise.all(walked.map((walk) => loaders.edgeSentences.load(walk))),
    Promise.all(rare.map((c) => loaders.conceptSentences.load({ conceptId: c.id, limit: MAX_FULLY_READ_CONCEPT_RANK }))),
  ]);
  const via = new Map<string, { edge: EdgeKey | null; edgeScore: number }>();
  ranked.forEach((list, i) => {
    for (const { key, score } of list) if (!via.has(key)) via.set(key, { edge: walked[i].edge, edgeScore: score });
  });
  for (const key of mentioning.flat()) if (!via.has(key)) via.set(key, { edge: null, edgeScore: 0 });
  let sentences = (await Promise.all([...via.keys()].map((key) => loaders.sentence.load(key)))).filter(
    (s): s is SentenceRecord => s !== null,
  );
  if (options.years && options.years.length > 0) {
    // Edges were filtered by their years; sentences reached through a concept alone are filtered by their article's.
    const articles = await Promise.all(sentences.map((s) => loaders.article.load(s.articleId)));
    sentences = sentences.filter((_, i) => articles[i]?.year != null && options.years!.includes(articles[i]!.year!));
  }
  return { concepts, candidates: rankLexically(question, concepts, sentences, via).slice(0, options.candidates) };
}

function rankLexically(
  question: string,
  concepts: ConceptRecord[],
  sentences: SentenceRecord[],
  via: Map<string, { edge: EdgeKey | null; edgeScore: number }>,
): Retrieval['candidates'] {
  const questionTerms = [...new Set(terms(question))];
  const sentenceTerms = sentences.map((s) => new Set(terms(s.text)));
  const documentFrequency = new Map(questionTerms.map((t) => [t, sentenceTerms.filter((set) => set.has(t)).length]));
  const idf = (t: string) => Math.log((sentences.length + 1) / (documentFrequency.get(t)! + 0.5));
  const conceptIds = new Set(concepts.map((c) => c.id));
  return sentences
    .map((sentence, i) => {
      const overlap = questionTerms.reduce((sum, t) => sum + (sentenceTerms[i].has(t) ? Math.max(0, idf(t)) : 0), 0);
      const conceptHits = sentence.conceptIds.filter((id) => conceptIds.has(id)).length;
      const link = via.get(sentence.key)!;
      return { sentence, edge: link.edge, score: overlap + CONCEPT_BONUS * conceptHits + 0.1 * link.edgeScore };
    })
    .sort((a, b) => b.score - a.score || (a.sentence.key < b.sentence.key ? -1 : 1));
}
