import { parseSentenceKey, sentenceKey } from '../domain.js';
import type { GraphReads } from '../graph/graph-reads.js';
import type { AnalyzedText, TextMatches } from '../graph/text-search.js';
import { saturatedFrequency } from '../text/bm25.js';

/** A window of sentences first..last of one article, around the sentence it was built for. */
export interface PassageWindow {
  articleId: string;
  first: number;
  last: number;
  /** The sentence the window was built around. */
  centre: string;
  /** BM25 of the window's text against the question, plus its phrase matches. */
  textScore: number;
}

export interface WindowOptions {
  /** Sentences on each side of the centre. */
  radius: number;
  /** A window stops growing before it holds more index terms than this. */
  maxTerms: number;
  /** What one question bigram found in the window adds to its score. */
  bigramWeight: number;
}

/**
 * A sentence reduced to what scoring a window needs: its length and, for the question's terms only (by index),
 * their counts, the question bigrams inside it, and the question terms it starts and ends with (a bigram may
 * cross into the next sentence). Windows are then sums of at most 2 × radius + 1 of these.
 */
interface SentenceProfile {
  length: number;
  /** The index of the question term at each occurrence of one. */
  hits: readonly number[];
  bigrams: readonly number[];
  firstTerm: number;
  lastTerm: number;
}

/** Most sentences around a match hold few question terms and no bigram: they share this instead of allocating. */
const NONE: readonly number[] = [];

/**
 * Scores a window around each centre by BM25 over the window's text (its terms read from the text index,
 * so nothing is re-tokenized), plus a bonus per question phrase it holds. Windows grow outward from the centre,
 * alternating sides, up to `radius` sentences each way and `maxTerms` terms.
 */
export async function scoreWindows(
  graph: GraphReads,
  question: AnalyzedText,
  matches: TextMatches,
  centres: readonly string[],
  options: WindowOptions,
): Promise<PassageWindow[]> {
  // Sentences by article, then position: a window reads up to 2 × radius + 1 of them, ~1,400 per question.
  const wanted = new Map<string, Set<number>>();
  const located: { articleId: string; position: number }[] = [];
  for (const centre of centres) {
    const location = parseSentenceKey(centre);
    if (!location) continue;
    located.push(location);
    let positions = wanted.get(location.articleId);
    if (!positions) wanted.set(location.articleId, (positions = new Set()));
    for (let p = Math.max(0, location.position - options.radius); p <= location.position + options.radius; p++) positions.add(p);
  }
  const keys: string[] = [];
  for (const [articleId, positions] of wanted) for (const p of positions) keys.push(sentenceKey(articleId, p));
  const loaded = await graph.sentenceTerms(keys);

  const termIndex = new Map(question.terms.map((term, i) => [term, i]));
  const questionBigrams = new Set([...question.bigrams].map((bigram) => {
    const [a, b] = bigram.split(' ');
    return pairCode(termIndex.get(a)!, termIndex.get(b)!, question.terms.length);
  }));
  const profiles = new Map<string, Map<number, SentenceProfile>>();
  let k = 0;
  for (const [articleId, positions] of wanted) {
    const byPosition = new Map<number, SentenceProfile>();
    profiles.set(articleId, byPosition);
    for (const p of positions) {
      const terms = loaded[k++];
      if (terms) byPosition.set(p, profile(terms, termIndex, questionBigrams));
    }
  }

  const idf = question.terms.map((term) => matches.idf.get(term) ?? 0);
  const meanWindowLength = matches.corpus.meanLength * (2 * options.radius + 1);
  const counts = new Float64Array(question.terms.length);
  const windows: PassageWindow[] = [];
  for (const { articleId, position } of located) {
    const article = profiles.get(articleId)!;
    const centre = article.get(position);
    if (!centre) continue;
    const parts = [centre];
    let first = position;
    let last = position;
    let length = centre.length;
    for (let step = 1; step <= options.radius; step++) {
      for (const side of [-1, 1]) {
        // Only next to the window: a gap (the article's end, a sentence over the budget) stops that side.
        if (side < 0 ? first !== position - step + 1 : last !== position + step - 1) continue;
        const neighbour = article.get(position + side * step);
        if (!neighbour || length + neighbour.length > options.maxTerms) continue;
        if (side < 0) {
          first--;
          parts.unshift(neighbour);
        } else {
          last++;
          parts.push(neighbour);
        }
        length += neighbour.length;
      }
    }
    const bm25 = windowBm25(parts, length, idf, meanWindowLength, counts);
    const phrases = sharedBigrams(parts, questionBigrams, question.terms.length);
    windows.push({ articleId, first, last, centre: sentenceKey(articleId, position), textScore: bm25 + options.bigramWeight * phrases });
  }
  return windows;
}

function pairCode(a: number, b: number, terms: number): number {
  return a * terms + b;
}

function profile(terms: readonly string[], termIndex: ReadonlyMap<string, number>, questionBigrams: ReadonlySet<number>): SentenceProfile {
  let hits: number[] | null = null;
  let bigrams: number[] | null = null;
  let previous = -1;
  let firstTerm = -1;
  for (let i = 0; i < terms.length; i++) {
    const index = termIndex.get(terms[i]) ?? -1;
    if (i === 0) firstTerm = index;
    if (index >= 0) {
      (hits ??= []).push(index);
      if (previous >= 0) {
        const code = pairCode(previous, index, termIndex.size);
        if (questionBigrams.has(code) && !bigrams?.includes(code)) (bigrams ??= []).push(code);
      }
    }
    previous = index;
  }
  return { length: terms.length, hits: hits ?? NONE, bigrams: bigrams ?? NONE, firstTerm, lastTerm: previous };
}

/** `counts` is scratch space, one slot per question term, left zeroed. */
function windowBm25(parts: readonly SentenceProfile[], length: number, idf: readonly number[], meanLength: number, counts: Float64Array): number {
  for (const part of parts) for (const index of part.hits) counts[index]++;
  let score = 0;
  for (let index = 0; index < counts.length; index++) {
    if (counts[index] > 0) score += idf[index] * saturatedFrequency(counts[index], length, meanLength);
    counts[index] = 0;
  }
  return score;
}

/** Distinct question bigrams found in the window, within a sentence or across two. */
function sharedBigrams(parts: readonly SentenceProfile[], questionBigrams: ReadonlySet<number>, terms: number): number {
  if (questionBigrams.size === 0) return 0;
  const found = new Set<number>();
  parts.forEach((part, i) => {
    for (const code of part.bigrams) found.add(code);
    const next = parts[i + 1];
    if (next && part.lastTerm >= 0 && next.firstTerm >= 0) {
      const code = pairCode(part.lastTerm, next.firstTerm, terms);
      if (questionBigrams.has(code)) found.add(code);
    }
  });
  return found.size;
}

/**
 * Best first, skipping any window that overlaps one already taken and any whose passage repeats the text of one
 * taken (the same paragraph in a duplicate article: CORD-19 holds preprints and their published versions): up to
 * `limit` windows that share no sentence and no text, with their passages. Passages are loaded a batch at a time,
 * so without duplicates this loads exactly the passages returned.
 */
export async function pickPassages<T extends Pick<PassageWindow, 'articleId' | 'first' | 'last' | 'centre'> & { score: number }, P extends { text: string }>(
  ranked: readonly T[],
  limit: number,
  load: (window: T) => Promise<P | null>,
): Promise<{ window: T; passage: P }[]> {
  const sorted = [...ranked].sort((a, b) => b.score - a.score || (a.centre < b.centre ? -1 : a.centre > b.centre ? 1 : 0));
  const overlaps = (window: T, taken: readonly T[]) => taken.some((t) => t.articleId === window.articleId && t.first <= window.last && window.first <= t.last);
  const picked: { window: T; passage: P }[] = [];
  const texts = new Set<string>();
  let next = 0;
  while (picked.length < limit && next < sorted.length) {
    const batch: T[] = [];
    const taken = picked.map((p) => p.window);
    for (; next < sorted.length && batch.length < limit - picked.length; next++) {
      if (!overlaps(sorted[next], taken) && !overlaps(sorted[next], batch)) batch.push(sorted[next]);
    }
    const passages = await Promise.all(batch.map(load));
    batch.forEach((window, i) => {
      const passage = passages[i];
      if (!passage || texts.has(passage.text)) return;
      texts.add(passage.text);
      picked.push({ window, passage });
    });
  }
  return picked;
}
