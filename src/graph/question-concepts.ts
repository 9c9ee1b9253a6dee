import { ConceptMatcher } from './concept-matcher.js';
import type { GraphStore, LexiconEntry } from '../store/store.js';

/**
 * Finds the stored concepts a free text (a search or a question) names: exactly the concept forms the matcher finds
 * in it, as in documents. A single word inside a longer concept name is no match ("period" does not name "Period
 * Prevalence"): such partial matches dragged unrelated concepts into answers, and the text index now finds the
 * sentences a question's plain words lead to.
 * The one cache of the lexicon: the matcher is built when the lexicon version changes (a concept appears, goes or
 * gains a form; most ingests change none), concurrent texts share the build, and while a new matcher builds
 * texts are matched by the previous one, so no request waits on a rebuild once one matcher exists.
 */
export class QuestionConcepts {
  private building: { version: string; built: Promise<ConceptMatcher> } | null = null;
  private ready: { version: string; matcher: ConceptMatcher } | null = null;

  constructor(private readonly store: GraphStore) {}

  async match(text: string): Promise<string[]> {
    const matcher = await this.current();
    return [...new Set(matcher.match(text).map((m) => m.conceptId))];
  }

  private async current(): Promise<ConceptMatcher> {
    const version = await this.store.lexiconVersion();
    if (this.ready?.version === version) return this.ready.matcher;
    if (this.building?.version !== version) {
      const building = { version, built: this.store.lexicon().then(buildMatcher) };
      this.building = building;
      building.built.then(
        (matcher) => {
          if (this.building === building) this.ready = { version, matcher };
        },
        // A failed read (Redis unreachable) must not stick: the next text reads the lexicon again.
        () => this.building === building && (this.building = null),
      );
    }
    return this.ready?.matcher ?? this.building.built;
  }
}

function buildMatcher(entries: readonly LexiconEntry[]): ConceptMatcher {
  return new ConceptMatcher(entries.map((entry) => ({ id: entry.id, name: entry.name, forms: entry.forms })));
}
