import DataLoader from 'dataloader';
import type { AnswerRequest, AnswerService, ResolvedAnswer } from '../pipeline/answer-service.js';

/** Answers of one request, batched: the candidates of every `ask` field of the request go to the reader together. */
export function answerLoader(answers: AnswerService): DataLoader<AnswerRequest, ResolvedAnswer, string> {
  return new DataLoader((requests) => answers.answer(requests), {
    cacheKeyFn: ({ question, sentenceKey, corpusVersion }) => `${corpusVersion}\u0000${question}\u0000${sentenceKey}`,
  });
}
