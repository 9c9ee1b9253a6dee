/** Runs the `ask` query in-process through the real schema and resolvers, as the HTTP server would. */
import type { Services } from '../../src/resolvers/request-context.js';
import { runOperation } from '../../src/server/in-process.js';

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

/** Every candidate's answer (limit 100), so each read passage's top span can be compared. */
export async function runAsk(services: Services, question: string): Promise<AskResult> {
  const result = await runOperation<{ ask: AskResult }>(services, ASK_QUERY, { q: question, limit: 100 });
  if (result.errors?.length) throw new Error(`ask failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.data!.ask;
}
