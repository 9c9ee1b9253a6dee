import { ConceptMatcher } from './concept-matcher.js';
import type { GraphStore, LexiconEntry } from '../store/store.js';

/**
 * Finds the stored concepts a free text (a search or a question) names: exactly the concept forms the matcher finds
 * in it, as in documents. A single word inside a longer concept name is no match ("period" does not name "Period
 * Prevalence"): such partial matches dragged unrelated concepts into answers, and the text index now finds the
 * sentences a question's plain words lead to.
 * The one cache of the lexicon: the matcher is built once per corpus version, and concurrent texts share the build.
 */
export class QuestionConcepts {
  private state: { version: string; built: Promise<ConceptMatcher> } | null = null;

  constructor(private readonly store: GraphStore) {}

  async match(text: string): Promise<string[]> {
    const matcher = await this.current();
    return [...new Set(matcher.match(text).map((m) => m.conceptId))];
  }

  private async current(): Promise<ConceptMatcher> {
    const version = await this.store.corpusVersion();
    if (this.state?.version !== version) {
      const state = { version, built: this.store.lexicon().then(buildMatcher) };
      this.state = state;
      // A failed read (Redis unreachable) must not stick: the next text reads the lexicon again.
      state.built.catch(() => this.state === state && (this.state = null));
    }
    return this.state.built;
  }
}

function buildMatcher(entries: readonly LexiconEntry[]): ConceptMatcher {
  return new ConceptMatcher(entries.map((entry) => ({ id: entry.id, name: entry.name, forms: entry.forms })));
}
