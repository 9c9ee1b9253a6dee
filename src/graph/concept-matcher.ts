/**
 * Dictionary matching of concept forms in text with an Aho-Corasick automaton over UTF-16 code units.
 *
 * The automaton is written here rather than taken from a package because, measured on Node 20 with the
 * 135k forms of MeSH + DOID + COVoc and the 510k-char CORD-19 sample:
 * - `modern-ahocorasick@3` walks grapheme clusters with `Intl.Segmenter`, which V8 in Node 20 iterates in
 *   quadratic time (chromium issue 326176949): 160k chars of the sample took 50 s even with 3 patterns, and
 *   feeding it 512-char chunks through its stream API still took 0.6–1 s;
 * - `@monyone/aho-corasick@1.1.11` took 8.4 s and 630 MB to build, and its double-array variant did not
 *   finish building within a minute.
 * This automaton builds from those forms in 2–3 s and matches every sentence of the sample in 0.1–0.25 s.
 */
import { GENERIC_WORDS, STOP_WORDS } from '../text/stopwords.js';

export interface ConceptEntry {
  id: string;
  name: string;
  /** The name and the synonyms. */
  forms: string[];
}

export interface ConceptMatch {
  conceptId: string;
  /** UTF-16 offsets into the matched text; `end` is exclusive. */
  start: number;
  end: number;
}

/** Shorter forms are mostly ambiguous abbreviations ("CA", "T3"). */
const MIN_FORM_LENGTH = 3;
/** All-uppercase forms up to this length are acronyms, matched case-sensitively so "can" is not "CAN". */
const MAX_ACRONYM_LENGTH = 5;
/** An inverted heading ("Spike Glycoprotein, Coronavirus") has a short qualifier after its only comma. */
const MAX_QUALIFIER_WORDS = 3;

const LETTER = /\p{L}/u;
const UPPERCASE = /\p{Lu}/u;
const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;
const WHITESPACE_RUN = /\s+/g;
const ANY_WHITESPACE = /\s/g;

/** The concepts one folded form may stand for. */
interface FormTarget {
  /** Concept for any casing of the form. */
  anyCase?: Candidate;
  /** Concepts of acronyms, by exact spelling. */
  exact?: Map<string, Candidate>;
}

interface Candidate {
  conceptId: string;
  /** The concept is named by this very form; preferred when several concepts share it. */
  isName: boolean;
}

/**
 * A built matcher as data: typed arrays (moved between threads without copying) and two short JSON strings, so a
 * matcher built on a worker thread costs the receiving thread almost nothing (graph/question-concepts.ts).
 */
export interface ConceptMatcherData {
  size: number;
  /** Concept ids; candidates below are indexes into it. */
  conceptIds: string;
  /** Per key: its length in code units (a match ends where the automaton reports it). */
  keyLengths: Int32Array;
  /** Per key: the concept any casing of it stands for, or -1. */
  anyCase: Int32Array;
  /** Acronym keys' concepts by exact spelling: JSON [keyIndex, spelling, concept][]. */
  exact: string;
  automaton: AutomatonData;
}

export class ConceptMatcher {
  /** Number of concepts with at least one matchable form. */
  readonly size: number;
  private readonly conceptIds: string[];
  private readonly keyLengths: Int32Array;
  private readonly anyCase: Int32Array;
  private readonly exact: Map<number, Map<string, number>>;
  private readonly automaton: CodeUnitAutomaton;

  constructor(entries: Iterable<ConceptEntry> | ConceptMatcherData) {
    const data = Symbol.iterator in entries ? buildMatcher(entries) : entries;
    this.size = data.size;
    this.conceptIds = JSON.parse(data.conceptIds) as string[];
    this.keyLengths = data.keyLengths;
    this.anyCase = data.anyCase;
    this.exact = new Map();
    for (const [key, spelling, concept] of JSON.parse(data.exact) as [number, string, number][]) {
      const spellings = this.exact.get(key) ?? new Map<string, number>();
      spellings.set(spelling, concept);
      this.exact.set(key, spellings);
    }
    this.automaton = new CodeUnitAutomaton(data.automaton);
  }

  /** Leftmost-longest, non-overlapping matches on word boundaries, in text order. */
  match(text: string): ConceptMatch[] {
    const found: ConceptMatch[] = [];
    this.automaton.forEachMatch(fold(text), (keyIndex, end) => {
      const start = end - this.keyLengths[keyIndex];
      if (isWordCharacterAt(text, start - 1) || isWordCharacterAt(text, end)) return;
      const concept = this.exact.get(keyIndex)?.get(text.slice(start, end)) ?? this.anyCase[keyIndex];
      if (concept >= 0) found.push({ conceptId: this.conceptIds[concept], start, end });
    });
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const selected: ConceptMatch[] = [];
    let covered = 0;
    for (const match of found) {
      if (match.start < covered) continue;
      selected.push(match);
      covered = match.end;
    }
    return selected;
  }
}

/** The matcher of these entries, as data (see ConceptMatcherData). */
export function buildMatcher(entries: Iterable<ConceptEntry>): ConceptMatcherData {
  const targetsByKey = new Map<string, FormTarget>();
  const matchable = new Set<string>();
  for (const entry of entries) {
    const nameKeys = new Set(naturalVariants(entry.name).map(fold));
    for (const form of entry.forms.flatMap(naturalVariants)) {
      if (form.length < MIN_FORM_LENGTH || !LETTER.test(form)) continue;
      const key = fold(form);
      const acronym = isAcronym(form);
      if (!acronym && (STOP_WORDS.has(key) || GENERIC_WORDS.has(key))) continue;
      const target = targetsByKey.get(key) ?? {};
      targetsByKey.set(key, target);
      const candidate = { conceptId: entry.id, isName: nameKeys.has(key) };
      if (acronym) {
        target.exact ??= new Map();
        target.exact.set(form, preferred(target.exact.get(form), candidate));
      } else {
        target.anyCase = preferred(target.anyCase, candidate);
      }
      matchable.add(entry.id);
    }
  }
  const keys = [...targetsByKey.keys()];
  const conceptIndex = new Map([...matchable].map((id, i) => [id, i]));
  const anyCase = new Int32Array(keys.length).fill(-1);
  const exact: [number, string, number][] = [];
  [...targetsByKey.values()].forEach((target, key) => {
    if (target.anyCase) anyCase[key] = conceptIndex.get(target.anyCase.conceptId)!;
    for (const [spelling, candidate] of target.exact ?? []) exact.push([key, spelling, conceptIndex.get(candidate.conceptId)!]);
  });
  return {
    size: matchable.size,
    conceptIds: JSON.stringify([...matchable]),
    keyLengths: Int32Array.from(keys, (key) => key.length),
    anyCase,
    exact: JSON.stringify(exact),
    automaton: buildAutomaton(keys),
  };
}

/** The buffers of a matcher's data, to move it to another thread instead of copying it. */
export function matcherBuffers(data: ConceptMatcherData): ArrayBuffer[] {
  const { automaton } = data;
  return [data.keyLengths, data.anyCase, automaton.symbolOf, automaton.firstChild, automaton.nextSibling, automaton.symbolInto, automaton.keyAt, automaton.denseRowAt, automaton.denseRows, automaton.failure, automaton.nextOutput].map(
    (array) => array.buffer as ArrayBuffer,
  );
}

/** The form with normalized spaces, and its natural word order if it is an inverted heading ("RNA, Viral"). */
function naturalVariants(raw: string): string[] {
  const form = normalizeSpaces(raw);
  const parts = form.split(', ');
  if (parts.length !== 2 || parts[1].split(' ').length > MAX_QUALIFIER_WORDS) return [form];
  return [form, `${parts[1]} ${parts[0]}`];
}

function isAcronym(form: string): boolean {
  return form.length <= MAX_ACRONYM_LENGTH && UPPERCASE.test(form) && form === form.toUpperCase();
}

/** Concepts sharing a form resolve the same way on every run: the one named by it, else the smallest id. */
function preferred(current: Candidate | undefined, candidate: Candidate): Candidate {
  if (!current) return candidate;
  if (current.isName !== candidate.isName) return current.isName ? current : candidate;
  return candidate.conceptId < current.conceptId ? candidate : current;
}

function normalizeSpaces(form: string): string {
  return form.trim().replace(WHITESPACE_RUN, ' ');
}

/** Lowercase with every whitespace as a space, keeping each UTF-16 offset in place. */
function fold(text: string): string {
  let lower = text.toLowerCase();
  if (lower.length !== text.length) {
    // A few characters grow when lowercased ("İ" -> "i̇"); keep those as they are.
    lower = Array.from(text, (char) => {
      const folded = char.toLowerCase();
      return folded.length === char.length ? folded : char;
    }).join('');
  }
  return lower.replace(ANY_WHITESPACE, ' ');
}

function isWordCharacterAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 128) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  return WORD_CHARACTER.test(text[index]);
}

/** States with this many children get a dense transition row. */
const DENSE_ROW_MIN_CHILDREN = 4;

/** A built automaton: its trie, dense rows and failure links. */
interface AutomatonData {
  /** Code unit -> symbol; 0 for code units that occur in no key. */
  symbolOf: Uint16Array;
  alphabetSize: number;
  /** Child lists; 0 ends a list, as the root is nobody's child. */
  firstChild: Int32Array;
  nextSibling: Int32Array;
  symbolInto: Uint16Array;
  /** Key ending at a state, or -1. */
  keyAt: Int32Array;
  /** Offset of a state's dense row in `denseRows`, or -1. */
  denseRowAt: Int32Array;
  denseRows: Int32Array;
  failure: Int32Array;
  /** Nearest state on the failure chain where a key ends, or 0 (the root ends none). */
  nextOutput: Int32Array;
}

/**
 * Aho-Corasick automaton reporting every occurrence of every key, keys given as folded strings.
 * Almost all of the 10^6 states of a large vocabulary have one child, so children live in sibling lists;
 * the few states with many children (the root, short prefixes) also get a dense row, which is where
 * scanning and failure links spend most of their steps.
 */
class CodeUnitAutomaton {
  private readonly symbolOf: Uint16Array;
  private readonly alphabetSize: number;
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  private readonly symbolInto: Uint16Array;
  private readonly keyAt: Int32Array;
  private readonly denseRowAt: Int32Array;
  private readonly denseRows: Int32Array;
  private readonly failure: Int32Array;
  private readonly nextOutput: Int32Array;

  constructor(data: AutomatonData) {
    // Every field is set before any method runs, so the hot methods see one object shape.
    this.symbolOf = data.symbolOf;
    this.alphabetSize = data.alphabetSize;
    this.firstChild = data.firstChild;
    this.nextSibling = data.nextSibling;
    this.symbolInto = data.symbolInto;
    this.keyAt = data.keyAt;
    this.denseRowAt = data.denseRowAt;
    this.denseRows = data.denseRows;
    this.failure = data.failure;
    this.nextOutput = data.nextOutput;
  }

  forEachMatch(text: string, onMatch: (keyIndex: number, end: number) => void): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const symbol = this.symbolOf[text.charCodeAt(i)];
      state = symbol === 0 ? 0 : this.step(state, symbol);
      for (let output = this.keyAt[state] >= 0 ? state : this.nextOutput[state]; output !== 0; output = this.nextOutput[output]) {
        onMatch(this.keyAt[output], i + 1);
      }
    }
  }

  /** Breadth-first, so a state's failure target is final before its children need it. Part of building. */
  linkFailures(): void {
    const queue = new Int32Array(this.failure.length);
    let tail = 0;
    for (let child = this.firstChild[0]; child !== 0; child = this.nextSibling[child]) queue[tail++] = child;
    for (let head = 0; head < tail; head++) {
      const parent = queue[head];
      for (let child = this.firstChild[parent]; child !== 0; child = this.nextSibling[child]) {
        const fallback = this.step(this.failure[parent], this.symbolInto[child]);
        this.failure[child] = fallback;
        this.nextOutput[child] = this.keyAt[fallback] >= 0 ? fallback : this.nextOutput[fallback];
        queue[tail++] = child;
      }
    }
  }

  private step(from: number, symbol: number): number {
    for (let state = from; state !== 0; state = this.failure[state]) {
      const next = this.child(state, symbol);
      if (next !== 0) return next;
    }
    return this.denseRows[symbol];
  }

  private child(state: number, symbol: number): number {
    const row = this.denseRowAt[state];
    if (row >= 0) return this.denseRows[row + symbol];
    for (let child = this.firstChild[state]; child !== 0; child = this.nextSibling[child]) {
      if (this.symbolInto[child] === symbol) return child;
    }
    return 0;
  }
}

function buildAutomaton(keys: readonly string[]): AutomatonData {
  const trie = buildTrie(keys);
  const denseRowAt = new Int32Array(trie.stateCount).fill(-1);
  const data: AutomatonData = {
    symbolOf: trie.symbolOf,
    alphabetSize: trie.alphabetSize,
    firstChild: trie.firstChild,
    nextSibling: trie.nextSibling,
    symbolInto: trie.symbolInto,
    keyAt: trie.keyAt,
    denseRowAt,
    denseRows: denseRows(trie, denseRowAt),
    failure: new Int32Array(trie.stateCount),
    nextOutput: new Int32Array(trie.stateCount),
  };
  // The failure links fill `data`'s arrays in place.
  new CodeUnitAutomaton(data).linkFailures();
  return data;
}

/** Dense transition rows for the root and the states with many children; `denseRowAt` gets each row's offset. */
function denseRows(trie: Trie, denseRowAt: Int32Array): Int32Array {
  const { alphabetSize, childCount, firstChild, nextSibling, symbolInto } = trie;
  let rows = 0;
  for (let state = 0; state < childCount.length; state++) {
    if (state === 0 || childCount[state] >= DENSE_ROW_MIN_CHILDREN) denseRowAt[state] = alphabetSize * rows++;
  }
  const rowsData = new Int32Array(alphabetSize * rows);
  for (let state = 0; state < childCount.length; state++) {
    const row = denseRowAt[state];
    if (row < 0) continue;
    for (let child = firstChild[state]; child !== 0; child = nextSibling[child]) rowsData[row + symbolInto[child]] = child;
  }
  return rowsData;
}

interface Trie {
  symbolOf: Uint16Array;
  alphabetSize: number;
  stateCount: number;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  symbolInto: Uint16Array;
  keyAt: Int32Array;
  childCount: Int32Array;
}

function buildTrie(keys: readonly string[]): Trie {
  const symbolOf = new Uint16Array(0x10000);
  let alphabetSize = 1;
  let maxStates = 1;
  for (const key of keys) {
    maxStates += key.length;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      if (symbolOf[code] === 0) symbolOf[code] = alphabetSize++;
    }
  }
  const rootChild = new Int32Array(alphabetSize);
  const firstChild = new Int32Array(maxStates);
  const nextSibling = new Int32Array(maxStates);
  const symbolInto = new Uint16Array(maxStates);
  const keyAt = new Int32Array(maxStates).fill(-1);
  const childCount = new Int32Array(maxStates);
  let stateCount = 1;
  for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
    const key = keys[keyIndex];
    let state = 0;
    for (let i = 0; i < key.length; i++) {
      const symbol = symbolOf[key.charCodeAt(i)];
      let child = state === 0 ? rootChild[symbol] : firstChild[state];
      if (state !== 0) while (child !== 0 && symbolInto[child] !== symbol) child = nextSibling[child];
      if (child === 0) {
        child = stateCount++;
        symbolInto[child] = symbol;
        nextSibling[child] = firstChild[state];
        firstChild[state] = child;
        childCount[state]++;
        if (state === 0) rootChild[symbol] = child;
      }
      state = child;
    }
    keyAt[state] = keyIndex;
  }
  return {
    symbolOf,
    alphabetSize,
    stateCount,
    firstChild: firstChild.slice(0, stateCount),
    nextSibling: nextSibling.slice(0, stateCount),
    symbolInto: symbolInto.slice(0, stateCount),
    keyAt: keyAt.slice(0, stateCount),
    childCount: childCount.slice(0, stateCount),
  };
}
