import { ask, type Answerer, type AskResult } from '../../src/pipeline/ask.js';
import { createRequestContext } from '../../src/resolvers/request-context.js';
import type { App } from '../../src/server/app.js';

/** Reads no sentence: `ask`'s retrieval without a model (every candidate, no answer). */
export const readsNothing: Answerer = {
  answer: async (requests) => requests.map(() => ({ span: null, cached: false })),
};

export interface AskAppOptions {
  /** Sentences read; the app's own setting by default. */
  candidates?: number;
  /** Every candidate's answer by default. */
  limit?: number;
  /** The app's answer service by default. */
  answers?: Answerer;
}

/** `ask` as the resolver runs it, outside GraphQL: a request's graph reads, the app's answers and retrieval memo. */
export function askApp(app: App, question: string, options: AskAppOptions = {}): Promise<AskResult> {
  const candidates = options.candidates ?? app.services.qa?.candidates;
  const answers = options.answers ?? app.answers;
  if (candidates === undefined || !answers) throw new Error('askApp: the app has no reader; give candidates and answers');
  return ask(createRequestContext(app.services).graph, answers, question, {
    candidates,
    limit: options.limit ?? candidates,
    years: null,
    retrievals: app.services.retrievals,
  });
}
