import { GraphQLError } from 'graphql';
import { sentenceSpans } from '../domain.js';
import { ask as askQuestion } from '../pipeline/ask.js';
import { ClientLimited, Overloaded } from '../pipeline/admission.js';
import { normalizeQuestion } from '../pipeline/question.js';
import { retryLater } from './retry-later.js';
import { badInput, countArgument, excludeArgument } from './arguments.js';
import type { AnswerResolvers, QueryResolvers } from './generated-types.js';

export const MAX_QUESTION_LENGTH = 1_000;
export const MAX_ANSWERS = 100;

export const ask: QueryResolvers['ask'] = async (_, { question, limit, years, exclude }, { graph, answers, services }) => {
  const answersWanted = countArgument('limit', limit, 5, MAX_ANSWERS);
  const excluded = excludeArgument(exclude);
  if (question.length > MAX_QUESTION_LENGTH) {
    throw badInput(`"question" must be at most ${MAX_QUESTION_LENGTH} characters (got ${question.length})`, 'question');
  }
  if (normalizeQuestion(question) === '') throw badInput('"question" is empty', 'question');
  if (!services.qa || !answers) {
    throw new GraphQLError('this server runs without a QA model; start it with --model DIR', {
      extensions: { code: 'MODEL_UNAVAILABLE' },
    });
  }
  const { qa } = services;
  const run = () =>
    askQuestion(graph, answers, question, {
      candidates: qa.candidates,
      limit: answersWanted,
      years: years ?? null,
      exclude: [...excluded],
      retrievals: services.retrievals,
      noAnswer: qa.answers.reader.noAnswer,
    });
  try {
    return await (qa.admission ? qa.admission.run(run) : run());
  } catch (error) {
    if (error instanceof Overloaded) throw retryLater(error.message, 'SERVICE_UNAVAILABLE', error.retryAfterMs);
    if (error instanceof ClientLimited) throw retryLater(error.message, 'TOO_MANY_REQUESTS', error.retryAfterMs);
    throw error;
  }
};

export const Answer: AnswerResolvers = {
  text: (answer) => answer.passage.text.slice(answer.start, answer.end),
  sentence: (answer) => sentenceSpans(answer.passage, answer.start, answer.end)[0]?.sentence ?? answer.passage.sentences[0],
  spans: (answer) => sentenceSpans(answer.passage, answer.start, answer.end),
  edge: async (answer, _, { graph }) => {
    if (!answer.edge) return null;
    return graph.edge.load(answer.edge);
  },
};
