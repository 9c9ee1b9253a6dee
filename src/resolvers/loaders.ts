import DataLoader from 'dataloader';
import type { AnswerRequest, AnswerService } from '../pipeline/answer-service.js';
import type { Answerer } from '../pipeline/ask.js';

/** Answers of one request, batched: the candidates of every `ask` field of the request go to the reader together. */
export function batchedAnswers(service: AnswerService, client?: string): Answerer {
  const loader = new DataLoader((requests: readonly AnswerRequest[]) => service.answer(requests, client), {
    cacheKeyFn: ({ question, passage }) => `${question}\u0000${passage.key}\u0000${passage.text}`,
  });
  return { answer: (requests) => Promise.all(requests.map((request) => loader.load(request))) };
}
