import { workerModuleUrl } from '../paths.js';
import type { GraphStore, LexiconEntry } from '../store/store.js';
import { WorkerClient } from '../worker-rpc.js';
import { ConceptMatcher, type ConceptMatcherData } from './concept-matcher.js';

/**
 * While a matcher serves, a newer one is built at most this often: a build reads the whole lexicon and moves it to
 * the builder thread and back, 10–30 ms of the event loop, and an ingest of new documents can change the lexicon
 * with nearly every write (bench/ingest-latency.bench.ts).
 */
const REBUILD_INTERVAL_MS = 1_000;

/**
 * Finds the stored concepts a free text (a search or a question) names: exactly the concept forms the matcher finds
 * in it, as in documents. A single word inside a longer concept name is no match ("period" does not name "Period
 * Prevalence"): such partial matches dragged unrelated concepts into answers, and the text index now finds the
 * sentences a question's plain words lead to.
 * The one cache of the lexicon: the matcher is built when the lexicon version changes (a concept appears, goes or
 * gains a form; most ingests change none), on a worker thread (a large lexicon's automaton takes 0.1–0.5 s, which
 * on the event loop held every request), and moved back as typed arrays. Concurrent texts share the build, and
 * while a new matcher builds texts are matched by the previous one, so no request waits on a rebuild once one
 * matcher exists.
 */
export class QuestionConcepts {
  private building: { version: string; built: Promise<ConceptMatcher> } | null = null;
  private ready: { version: string; matcher: ConceptMatcher } | null = null;
  private lastBuildStarted = -Infinity;

  constructor(private readonly store: GraphStore) {}

  async match(text: string): Promise<string[]> {
    const matcher = await this.current();
    return [...new Set(matcher.match(text).map((m) => m.conceptId))];
  }

  private async current(): Promise<ConceptMatcher> {
    const version = await this.store.lexiconVersion();
    if (this.ready?.version === version) return this.ready.matcher;
    const due = !this.ready || performance.now() - this.lastBuildStarted >= REBUILD_INTERVAL_MS;
    if (!this.building && due) {
      this.lastBuildStarted = performance.now();
      const building = { version, built: this.store.lexicon().then(buildOnThread) };
      this.building = building;
      building.built.then(
        (matcher) => (this.ready = { version, matcher }),
        // A failed read (Redis unreachable) must not stick: the next text reads the lexicon again.
        () => undefined,
      ).finally(() => this.building === building && (this.building = null));
    }
    return this.ready?.matcher ?? this.building!.built;
  }
}

/** One builder thread per process, started by the first build. */
let builder: Promise<WorkerClient> | null = null;

async function buildOnThread(entries: readonly LexiconEntry[]): Promise<ConceptMatcher> {
  builder ??= WorkerClient.start(workerModuleUrl(import.meta.url, './question-matcher-thread.js'), null, {
    name: 'kgqa question matcher',
    failure: (error) => Object.assign(new Error(error.message), { name: error.name }),
  }).then(({ client }) => client);
  return new ConceptMatcher(await (await builder).call<ConceptMatcherData>('build', [entries]));
}
