import { ConceptMatcher } from '../ingest/concept-matcher.js';
import type { GraphStore, LexiconEntry } from '../store/store.js';

const WORD = /[\p{L}\p{N}][\p{L}\p{N}-]*/gu;
const MIN_FALLBACK_WORD_LENGTH = 4;
const CONCEPTS_PER_FALLBACK_WORD = 2;

interface MatcherState {
  version: string;
  matcher: ConceptMatcher;
  /** Word -> concepts with a form containing it, shortest form first. */
  conceptsByWord: Map<string, string[]>;
}

/**
 * Finds the stored concepts a free text (a search or a question) talks about.
 * Exact forms come first; a content word no form covers falls back to the concepts whose forms contain it,
 * so "proteinase structure" still reaches "3C-like proteinase".
 */
export class QuestionConcepts {
  private state: Promise<MatcherState> | null = null;

  constructor(private readonly store: GraphStore) {}

  async match(text: string): Promise<string[]> {
    const { matcher, conceptsByWord } = await this.current();
    const matches = matcher.match(text);
    const ids = matches.map((m) => m.conceptId);
    for (const word of text.matchAll(WORD)) {
      const start = word.index!;
      const end = start + word[0].length;
      if (word[0].length < MIN_FALLBACK_WORD_LENGTH) continue;
      if (matches.some((m) => m.start < end && start < m.end)) continue;
      ids.push(...(conceptsByWord.get(word[0].toLowerCase()) ?? []).slice(0, CONCEPTS_PER_FALLBACK_WORD));
    }
    return [...new Set(ids)];
  }

  private async current(): Promise<MatcherState> {
    const version = await this.store.corpusVersion();
    const state = this.state;
    if (state && (await state).version === version) return state;
    const building = this.store.lexicon().then((entries) => buildState(version, entries));
    this.state = building;
    return building;
  }
}

function buildState(version: string, entries: readonly LexiconEntry[]): MatcherState {
  const byWord = new Map<string, { id: string; length: number }[]>();
  for (const entry of entries) {
    for (const form of entry.forms) {
      for (const [word] of form.toLowerCase().matchAll(WORD)) {
        const list = byWord.get(word) ?? [];
        list.push({ id: entry.id, length: form.length });
        byWord.set(word, list);
      }
    }
  }
  const conceptsByWord = new Map<string, string[]>();
  for (const [word, list] of byWord) {
    list.sort((a, b) => a.length - b.length || (a.id < b.id ? -1 : 1));
    conceptsByWord.set(word, [...new Set(list.map((item) => item.id))]);
  }
  return {
    version,
    matcher: new ConceptMatcher(entries.map((entry) => ({ id: entry.id, name: entry.name, forms: entry.forms }))),
    conceptsByWord,
  };
}
