/** Builds question matchers off the event loop: a large lexicon's automaton takes a tenth of a second or more. */
import type { LexiconEntry } from '../store/store.js';
import { serveWorkerRequests, Transfer } from '../worker-rpc.js';
import { buildMatcher, matcherBuffers } from './concept-matcher.js';

await serveWorkerRequests(() => ({
  handlers: {
    build: (entries: LexiconEntry[]) => {
      const data = buildMatcher(entries.map((entry) => ({ id: entry.id, name: entry.name, forms: entry.forms })));
      return new Transfer(data, matcherBuffers(data));
    },
  },
}));
