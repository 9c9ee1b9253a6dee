/** Runs the `ask` query in-process through the real schema and resolvers, as the HTTP server would. */
import { graphql } from 'graphql';
import { loadSchema } from '../../src/server/http-server.js';
import { createRequestContext, type Services } from '../../src/resolvers/request-context.js';

export const ASK_QUERY = `query($q: String!, $limit: Int) { ask(question: $q, limit: $limit) {
  candidates { key }
  answers { score start end cached passage { key text } } } }`;

export interface AskAnswer {
  score: number;
  start: number;
  end: number;
  cached: boolean;
  passage: { key: string; text: string };
}

export interface AskResult {
  candidates: { key: string }[];
  answers: AskAnswer[];
}

const schema = loadSchema();

/** Every candidate's answer (limit 100), so each read passage's top span can be compared. */
export async function runAsk(services: Services, question: string): Promise<AskResult> {
  const result = await graphql({
    schema,
    source: ASK_QUERY,
    variableValues: { q: question, limit: 100 },
    contextValue: createRequestContext(services),
  });
  if (result.errors?.length) throw new Error(`ask failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return (result.data as { ask: AskResult }).ask;
}
