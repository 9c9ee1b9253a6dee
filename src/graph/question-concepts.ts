import { ConceptMatcher } from './concept-matcher.js';
import type { GraphStore, LexiconEntry } from '../store/store.js';

const WORD = /[\p{L}\p{N}][\p{L}\p{N}-]*/gu;
const MIN_FALLBACK_WORD_LENGTH = 4;
const CONCEPTS_PER_FALLBACK_WORD = 2;

interface MatcherState {
  matcher: ConceptMatcher;
  /** Word -> concepts with a form containing it, shortest form first. */
  conceptsByWord: Map<string, string[]>;
}

/**
 * Finds the stored concepts a free text (a search or a question) talks about.
 * Exact forms come first; a content word no form covers falls back to the concepts whose forms contain it,
 * so "proteinase structure" still reaches "3C-like proteinase".
 * The one cache of the lexicon: the matcher is built once per corpus version, and concurrent texts share the build.
 */
export class QuestionConcepts {
  private state: { version: string; built: Promise<MatcherState> } | null = null;

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
    if (this.state?.version !== version) {
      const state = { version, built: this.store.lexicon().then(buildState) };
      this.state = state;
      // A failed read (Redis unreachable) must not stick: the next text reads the lexicon again.
      state.built.catch(() => this.state === state && (this.state = null));
    }
    return this.state.built;
  }
}

function buildState(entries: readonly LexiconEntry[]): MatcherState {
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
    matcher: new ConceptMatcher(entries.map((entry) => ({ id: entry.id, name: entry.name, forms: entry.forms }))),
    conceptsByWord,
  };
}
