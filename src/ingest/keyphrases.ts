/**
 * Keyphrases are noun phrases found with wink-nlp's part-of-speech tags. On the CORD-19 sample a
 * stop-word-only filter kept 3,635 phrases, about 40% of them verbs, adverbs or fragments ("remained",
 * "manually", "A1 may participate"); with the tags about 2,200 remain, none of those kinds, for
 * 0.3–0.6 s of tagging.
 */
import winkNLP, { type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { ConceptEntry } from '../graph/concept-matcher.js';
import { GENERIC_WORDS, STOP_WORDS } from '../text/stopwords.js';

export interface KeyphraseOptions {
  /** A phrase becomes a concept once this many sentences contain it. Default 3. */
  minSentences?: number;
  /** Longest phrase, in words. Default 3. */
  maxWords?: number;
}

/** A word, keeping hyphens and slashes inside it ("SARS-CoV", "3C-like", "A/B"). */
const WORD = /[\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)*/gu;
/**
 * Citations name people, not concepts: "(Kim and Lai, 2003)", "(Gold and Freedman, 1965; Hammarstrom,
 * 1999)", "(S.T.Shi and M.M.C.Lai, unpublished results)", "van Marle et al.".
 */
const CITATION =
  /\([^()]*\b(?:(?:19|20)\d\d[a-z]?|unpublished|personal communication|in preparation|submitted)\b[^()]*\)|[\p{Lu}][\p{L}'’-]*(?:\s+(?:and|&)\s+[\p{Lu}][\p{L}'’-]*)?\s+et\s+al\b\.?/gu;
const ONLY_WHITESPACE = /^\s+$/;
const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const PUNCTUATION_TAGS = new Set(['PUNCT', 'SYM']);
const MIN_PHRASE_LENGTH = 3;
/** A shorter phrase found inside one longer concept in this share of its sentences is that concept. */
const SUBSUMED_SHARE = 0.9;

/** A phrase is a run of heads (nouns) and modifiers (adjectives) that ends in a head. */
type WordClass = 'head' | 'modifier' | 'other';

interface Word {
  text: string;
  start: number;
  end: number;
  /** Position among the sentence's words. */
  index: number;
  wordClass: WordClass;
}

interface Occurrence {
  id: string;
  first: number;
  last: number;
}

interface PhraseStats {
  sentences: number;
  casings: Map<string, number>;
  /** Longer phrase id -> number of sentences where this phrase occurs inside it. */
  insideOf: Map<string, number>;
}

/**
 * Concepts of a corpus read without a vocabulary: noun phrases of up to `maxWords` words that at least
 * `minSentences` sentences contain, bounded by content words, in id order.
 */
export function extractKeyphrases(sentences: Iterable<string>, options: KeyphraseOptions = {}): ConceptEntry[] {
  const minSentences = options.minSentences ?? 3;
  const maxWords = options.maxWords ?? 3;
  const stats = new Map<string, PhraseStats>();
  for (const sentence of sentences) countSentence(sentence, maxWords, stats);

  const kept = new Set([...stats].filter(([, phrase]) => phrase.sentences >= minSentences).map(([id]) => id));
  const entries: ConceptEntry[] = [];
  for (const id of [...kept].sort()) {
    const phrase = stats.get(id)!;
    const subsumed = [...phrase.insideOf].some(
      ([longer, sentences]) => kept.has(longer) && sentences >= SUBSUMED_SHARE * phrase.sentences,
    );
    if (subsumed) continue;
    const name = mostFrequent(phrase.casings);
    entries.push({ id, name, forms: [name.toLowerCase()] });
  }
  return entries;
}

function countSentence(sentence: string, maxWords: number, stats: Map<string, PhraseStats>): void {
  const byFirstWord = new Map<number, Occurrence[]>();
  const occurrences: Occurrence[] = [];
  for (const run of wordRuns(sentence)) {
    for (let first = 0; first < run.length; first++) {
      if (!canBound(run[first])) continue;
      for (let last = first; last < Math.min(run.length, first + maxWords); last++) {
        if (run[last].wordClass === 'other') break;
        if (run[last].wordClass !== 'head' || !canBound(run[last])) continue;
        const surface = sentence.slice(run[first].start, run[last].end).replace(/\s+/g, ' ');
        if (surface.length < MIN_PHRASE_LENGTH) continue;
        const occurrence = { id: phraseId(surface), first: run[first].index, last: run[last].index };
        occurrences.push(occurrence);
        const startingHere = byFirstWord.get(occurrence.first);
        if (startingHere) startingHere.push(occurrence);
        else byFirstWord.set(occurrence.first, [occurrence]);
        const casings = phraseStats(stats, occurrence.id).casings;
        casings.set(surface, (casings.get(surface) ?? 0) + 1);
      }
    }
  }

  // Each count is per sentence, however often the phrase repeats in it.
  const countedPhrases = new Set<string>();
  const countedPairs = new Set<string>();
  for (const inner of occurrences) {
    const phrase = stats.get(inner.id)!;
    if (!countedPhrases.has(inner.id)) {
      countedPhrases.add(inner.id);
      phrase.sentences++;
    }
    for (let first = inner.last - maxWords + 1; first <= inner.first; first++) {
      for (const outer of byFirstWord.get(first) ?? []) {
        const pair = `${inner.id} ${outer.id}`;
        if (outer.last < inner.last || outer.id === inner.id || countedPairs.has(pair)) continue;
        countedPairs.add(pair);
        phrase.insideOf.set(outer.id, (phrase.insideOf.get(outer.id) ?? 0) + 1);
      }
    }
  }
}

/** Maximal runs of words separated by whitespace only, outside citations: a phrase spans neither. */
function wordRuns(sentence: string): Word[][] {
  const prose = sentence.replace(CITATION, (citation) => ' '.repeat(citation.length));
  const words = [...prose.matchAll(WORD)].map(
    (match, index): Word => ({
      text: match[0],
      start: match.index,
      end: match.index + match[0].length,
      index,
      wordClass: 'other',
    }),
  );
  classifyWords(sentence, words);
  const runs: Word[][] = [];
  let run: Word[] = [];
  for (const word of words) {
    const previous = run.at(-1);
    if (previous && !ONLY_WHITESPACE.test(prose.slice(previous.end, word.start))) {
      runs.push(run);
      run = [];
    }
    run.push(word);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

let tagger: WinkMethods | undefined;

/** Loading the tagger model takes ~150 ms, so only runs that extract keyphrases pay for it. */
function loadTagger(): WinkMethods {
  tagger ??= winkNLP(model, ['pos']);
  return tagger;
}

/**
 * Gives each word the class of its last wink-nlp token. wink splits "SARS-CoV-2" and "3C" into several
 * tokens, so compounds get their own rules: a word ending in a part with a digit names something
 * ("229E", "hnRNP A1", "SARS-CoV-2"), and a hyphenated word whose last part is not a noun modifies
 * the next one ("MHV-infected cells", "3C-like proteinase").
 */
function classifyWords(sentence: string, words: Word[]): void {
  const nlp = loadTagger();
  const tokens = nlp.readDoc(sentence).tokens();
  const texts = tokens.out();
  const spaces = tokens.out(nlp.its.precedingSpaces);
  const tags = tokens.out(nlp.its.pos);
  let offset = 0;
  let w = 0;
  for (let t = 0; t < texts.length; t++) {
    offset += spaces[t].length;
    const end = offset + texts[t].length;
    while (w < words.length && words[w].end <= offset) w++;
    if (w < words.length && words[w].start < end && !PUNCTUATION_TAGS.has(tags[t])) {
      words[w].wordClass = classOfTag(tags[t]);
    }
    offset = end;
  }
  for (const word of words) {
    const lastPart = word.text.slice(Math.max(word.text.lastIndexOf('-'), word.text.lastIndexOf('/')) + 1);
    if (LETTER.test(word.text) && DIGIT.test(lastPart)) word.wordClass = 'head';
    else if (lastPart !== word.text && word.wordClass !== 'head') word.wordClass = 'modifier';
  }
}

function classOfTag(tag: string): WordClass {
  if (tag === 'NOUN' || tag === 'PROPN') return 'head';
  return tag === 'ADJ' ? 'modifier' : 'other';
}

/** Whether a word may start or end a phrase. */
function canBound(word: Word): boolean {
  const lower = word.text.toLowerCase();
  return LETTER.test(word.text) && !STOP_WORDS.has(lower) && !GENERIC_WORDS.has(lower);
}

function phraseId(surface: string): string {
  return `kw:${surface.toLowerCase().replace(/\s+/g, '-')}`;
}

function phraseStats(stats: Map<string, PhraseStats>, id: string): PhraseStats {
  let phrase = stats.get(id);
  if (!phrase) {
    phrase = { sentences: 0, casings: new Map(), insideOf: new Map() };
    stats.set(id, phrase);
  }
  return phrase;
}

/** The most frequent casing; ties go to the lexicographically smallest. */
function mostFrequent(casings: Map<string, number>): string {
  let best = '';
  let bestCount = 0;
  for (const [casing, count] of casings) {
    if (count > bestCount || (count === bestCount && casing < best)) {
      best = casing;
      bestCount = count;
    }
  }
  return best;
}
