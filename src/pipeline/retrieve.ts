import { canonicalEdge, edgeId, parseSentenceKey, passageOf, sentenceKey, type ConceptRecord, type EdgeKey, type PassageRecord, type SentenceRecord } from '../domain.js';
import type { GraphReads } from '../graph/graph-reads.js';
import { conceptNeighbourhood, inYears, matchConcepts } from '../graph/neighbourhood.js';
import { analyzeText, matchSentences } from '../graph/text-search.js';
import { pickPassages, scoreWindows, type PassageWindow } from './passages.js';
import type { RetrievalMemo } from './retrieval-memo.js';

export interface RetrievalOptions {
  /** Passages handed to the reader. */
  candidates: number;
  years: readonly number[] | null;
  /** Concepts hidden by the user: neither question concepts nor reached through their edges. */
  exclude?: readonly string[];
}

export interface Candidate {
  passage: PassageRecord;
  /** The strongest edge among the question's concepts that led into the passage; null when only its text did. */
  edge: EdgeKey | null;
  /** For each of the passage's sentences, the edge that led to it, if the graph did. */
  sentenceEdges: (EdgeKey | null)[];
  score: number;
}

export interface Retrieval {
  /** The corpus version retrieved from. */
  corpusVersion: string;
  /** The concepts the question names. */
  concepts: ConceptRecord[];
  /** Best first. */
  candidates: Candidate[];
}

/*
 * Every figure below was chosen on the COVID-QA dev questions (bench/retrieval.bench.ts; docs/benchmarks.md).
 */
const MAX_QUESTION_CONCEPTS = 12;
/** The head of each question term's posting list: the cost of a query stops growing with the corpus here. */
const POSTINGS_PER_TERM = 300;
/** Best-matching sentences whose windows (and their neighbours' windows) are scored. */
const TEXT_POOL = 200;
/** Passages: the sentence and up to two on each side (5 sentences, ~125 words), at most this many index terms. */
const WINDOW = { radius: 2, maxTerms: 100, bigramWeight: 2 };
/**
 * Graph walk: the strongest edges around each question concept, and how many of an edge's sentences it reads.
 * A walk of 40 edges × 12 sentences around each concept (and rare concepts read up to 400 sentences) read 8× the
 * rows of this one for the same recall (±0.5 points at every k, with and without MeSH): the text index already
 * holds what a deeper walk adds, so the walk stays shallow and the graph serves as the boost.
 */
const NEIGHBOUR_EDGES_PER_CONCEPT = 10;
const SENTENCES_PER_INNER_EDGE = 60;
const SENTENCES_PER_NEIGHBOUR_EDGE = 6;
/** A concept this rare is read in full; commoner ones are reached through their edges. */
const MAX_FULLY_READ_CONCEPT_RANK = 100;
/** The graph's sentences that become passage centres, most question concepts first, then by edge proximity. */
const GRAPH_POOL = 100;
/** What each question concept a passage's sentences mention (as the graph found them) adds to its score. */
const CONCEPT_WEIGHT = 1;
/**
 * Article evidence: a passage also scores this share of the mean of its article's best few passages, so that in an
 * article that answers the question as a whole, a passage saying it in other words (the genome "is 27,534 nt in
 * length" for "how long is…") still outranks passages that share a word with the question by chance elsewhere
 * (document-level evidence, as in passage retrieval with a document prior). On the COVID-QA dev questions:
 * +0.6 to +1.2 points at every k above 1; the max alone (1 passage) or a weight of 1 gave less.
 */
const ARTICLE_EVIDENCE = { passages: 3, weight: 0.5 };

/**
 * The passages to read for a question, from the text index and the concept graph together, then ranked as one
 * pool: see retrievePassages. With a memo, the same question on the same corpus version is retrieved once.
 */
export async function retrieveCandidates(
  graph: GraphReads,
  question: string,
  options: RetrievalOptions,
  memo?: RetrievalMemo<Retrieval>,
): Promise<Retrieval> {
  const corpusVersion = await graph.corpusVersion();
  const retrieve = async () => ({ corpusVersion, ...(await retrievePassages(graph, question, options)) });
  const key = JSON.stringify([question, options.candidates, options.years, [...new Set(options.exclude ?? [])].sort()]);
  return memo ? memo.get(corpusVersion, key, retrieve) : retrieve();
}

/** How the graph reached a sentence: the edge, its proximity score there, and how many question concepts it names. */
interface GraphLink {
  edge: EdgeKey | null;
  edgeScore: number;
  concepts: number;
}

/**
 * Hybrid retrieval. The text index proposes the sentences that best match the question (BM25 over the heads of
 * its terms' posting lists) and the graph proposes the sentences on edges among and around the concepts the
 * question names (and every sentence of the rarer ones). Each proposed sentence and its neighbours become the
 * centre of a passage of adjacent sentences; every passage is scored by BM25 over its whole text plus its question
 * phrases, plus a bonus per question concept the graph found in it, and the best non-overlapping passages win.
 * So a passage naming no concept is still found by its words, and one the graph links to the question's concepts
 * (synonyms included, through the vocabulary) rises even where its words differ.
 */
async function retrievePassages(graph: GraphReads, question: string, options: RetrievalOptions): Promise<Omit<Retrieval, 'corpusVersion'>> {
  const text = analyzeText(question);
  const exclude = new Set(options.exclude ?? []);
  const concepts = await matchConcepts(graph, question, MAX_QUESTION_CONCEPTS, exclude);
  if (options.candidates === 0 || (text.terms.length === 0 && concepts.length === 0)) return { concepts, candidates: [] };
  const [matches, links] = await Promise.all([
    matchSentences(graph, text, { postingsPerTerm: POSTINGS_PER_TERM, limit: TEXT_POOL }),
    graphLinks(graph, concepts, options.years, exclude),
  ]);
  // A text match's neighbours are centres too: the best window holding a matching sentence need not be centred on it.
  const centres = new Set<string>();
  for (const { key } of matches.sentences) {
    const location = parseSentenceKey(key)!;
    for (let p = Math.max(0, location.position - WINDOW.radius); p <= location.position + WINDOW.radius; p++) centres.add(sentenceKey(location.articleId, p));
  }
  const strongest = [...links].sort(([a, x], [b, y]) => y.concepts - x.concepts || y.edgeScore - x.edgeScore || (a < b ? -1 : 1));
  for (const [key] of strongest.slice(0, GRAPH_POOL)) centres.add(key);
  const windows = await scoreWindows(graph, text, matches, [...centres], WINDOW);
  const linkAt = byPosition(links);
  const ownScores = windows.map((window) => window.textScore + CONCEPT_WEIGHT * conceptHits(window, linkAt));
  const evidence = articleEvidence(windows, ownScores);
  const scored = windows.map((window, i) => ({ ...window, score: ownScores[i] + ARTICLE_EVIDENCE.weight * evidence.get(window.articleId)! }));
  const allowed = await inWantedYears(graph, scored, options.years);
  const picked = await pickPassages(allowed, options.candidates, (window) => passageFor(graph, window));
  const candidates = picked.map(({ window, passage }) => {
    const sentenceEdges = passage.sentences.map((s) => links.get(s.key)?.edge ?? null);
    return { passage, edge: bestEdge(window, linkAt), sentenceEdges, score: window.score };
  });
  return { concepts, candidates };
}

/**
 * The sentences the graph walk reaches from the question's concepts: those of every edge among them and of the
 * strongest edges around each, and every sentence of the rarer concepts; edges filtered by year.
 */
async function graphLinks(
  graph: GraphReads,
  concepts: readonly ConceptRecord[],
  years: readonly number[] | null,
  exclude: ReadonlySet<string>,
): Promise<Map<string, GraphLink>> {
  const links = new Map<string, GraphLink>();
  if (concepts.length === 0) return links;
  const { inner, around } = await conceptNeighbourhood(graph, concepts, { edgesPerConcept: NEIGHBOUR_EDGES_PER_CONCEPT, years, exclude });
  const walks = new Map<string, { edge: EdgeKey; limit: number; concepts: number }>();
  for (const edge of inner) walks.set(edgeId(edge), { edge: canonicalEdge(edge.source, edge.target), limit: SENTENCES_PER_INNER_EDGE, concepts: 2 });
  for (const edge of around) {
    if (!walks.has(edgeId(edge))) walks.set(edgeId(edge), { edge: canonicalEdge(edge.source, edge.target), limit: SENTENCES_PER_NEIGHBOUR_EDGE, concepts: 1 });
  }
  const walked = [...walks.values()];
  const rare = concepts.filter((c) => c.rank <= MAX_FULLY_READ_CONCEPT_RANK);
  const [ranked, mentioning] = await Promise.all([
    Promise.all(walked.map(({ edge, limit }) => graph.edgeSentences.load({ edge, limit }))),
    Promise.all(rare.map((c) => graph.conceptSentences.load({ conceptId: c.id, limit: MAX_FULLY_READ_CONCEPT_RANK }))),
  ]);
  ranked.forEach((list, i) => {
    for (const { key, score } of list) {
      const known = links.get(key);
      if (!known || walked[i].concepts > known.concepts || (walked[i].concepts === known.concepts && score > known.edgeScore)) {
        links.set(key, { edge: walked[i].edge, edgeScore: score, concepts: walked[i].concepts });
      }
    }
  });
  for (const key of mentioning.flat()) if (!links.has(key)) links.set(key, { edge: null, edgeScore: 0, concepts: 1 });
  return links;
}

/** The graph's links by article, then position: every window looks up each of its sentences (~6,000 per question). */
function byPosition(links: ReadonlyMap<string, GraphLink>): ReadonlyMap<string, ReadonlyMap<number, GraphLink>> {
  const articles = new Map<string, Map<number, GraphLink>>();
  for (const [key, link] of links) {
    const { articleId, position } = parseSentenceKey(key)!;
    let positions = articles.get(articleId);
    if (!positions) articles.set(articleId, (positions = new Map()));
    positions.set(position, link);
  }
  return articles;
}

/** Per article, the mean of its ARTICLE_EVIDENCE.passages best window scores (`scores[i]` is `windows[i]`'s). */
function articleEvidence(windows: readonly PassageWindow[], scores: readonly number[]): Map<string, number> {
  const byArticle = new Map<string, number[]>();
  windows.forEach(({ articleId }, i) => {
    const articleScores = byArticle.get(articleId);
    if (articleScores) articleScores.push(scores[i]);
    else byArticle.set(articleId, [scores[i]]);
  });
  const evidence = new Map<string, number>();
  for (const [articleId, articleScores] of byArticle) {
    const best = articleScores.sort((a, b) => b - a).slice(0, ARTICLE_EVIDENCE.passages);
    evidence.set(articleId, best.reduce((sum, score) => sum + score, 0) / ARTICLE_EVIDENCE.passages);
  }
  return evidence;
}

/** Question concepts the graph found in the window's sentences, at most two per sentence (an inner edge's two ends). */
function conceptHits(window: PassageWindow, linkAt: ReadonlyMap<string, ReadonlyMap<number, GraphLink>>): number {
  const links = linkAt.get(window.articleId);
  if (!links) return 0;
  let hits = 0;
  for (let p = window.first; p <= window.last; p++) hits += links.get(p)?.concepts ?? 0;
  return hits;
}

function bestEdge(window: PassageWindow, linkAt: ReadonlyMap<string, ReadonlyMap<number, GraphLink>>): EdgeKey | null {
  const links = linkAt.get(window.articleId);
  let best: GraphLink | null = null;
  for (let p = window.first; p <= window.last; p++) {
    const link = links?.get(p);
    if (link?.edge && (!best || link.concepts > best.concepts || (link.concepts === best.concepts && link.edgeScore > best.edgeScore))) best = link;
  }
  return best?.edge ?? null;
}

/** With years, only passages of articles from those years. */
async function inWantedYears<T extends PassageWindow>(graph: GraphReads, windows: T[], years: readonly number[] | null): Promise<T[]> {
  if (!years || years.length === 0) return windows;
  const articleIds = [...new Set(windows.map((w) => w.articleId))];
  const articles = await Promise.all(articleIds.map((id) => graph.article.load(id)));
  const wanted = new Set(articleIds.filter((_, i) => articles[i]?.year != null && inYears([articles[i]!.year!], years)));
  return windows.filter((w) => wanted.has(w.articleId));
}

async function passageFor(graph: GraphReads, window: PassageWindow): Promise<PassageRecord | null> {
  const keys: string[] = [];
  for (let p = window.first; p <= window.last; p++) keys.push(sentenceKey(window.articleId, p));
  const sentences = await Promise.all(keys.map((key) => graph.sentence.load(key)));
  if (sentences.some((s) => s === null)) return null;
  return passageOf(sentences as SentenceRecord[]);
}
