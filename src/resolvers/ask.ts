import { GraphQLError } from 'graphql';
import { normalizeQuestion } from '../pipeline/question.js';
import { retrieveCandidates } from '../pipeline/retrieve.js';
import { badInput, countArgument } from './arguments.js';
import type { AnswerResolvers, QueryResolvers } from './generated-types.js';
import type { AnswerParent } from './parents.js';

export const MAX_QUESTION_LENGTH = 1_000;
export const MAX_ANSWERS = 100;

export const ask: QueryResolvers['ask'] = async (_, { question, limit, years }, context) => {
  const started = performance.now();
  const answersWanted = countArgument('limit', limit, 5, MAX_ANSWERS);
  if (question.length > MAX_QUESTION_LENGTH) {
    throw badInput(`"question" must be at most ${MAX_QUESTION_LENGTH} characters (got ${question.length})`, 'question');
  }
  const normalized = normalizeQuestion(question);
  if (normalized === '') throw badInput('"question" is empty', 'question');
  const { qa } = context.services;
  const loader = context.answers;
  if (!qa || !loader) {
    throw new GraphQLError('this server runs without a QA model; start it with --model DIR', {
      extensions: { code: 'MODEL_UNAVAILABLE' },
    });
  }
  // Concepts are matched on the question as typed: acronyms such as SARS only match in capitals.
  const retrieval = await retrieveCandidates(context.graph, question, { candidates: qa.candidates, years: years ?? null }, context.services.retrievals);
  const resolved = await Promise.all(
    retrieval.candidates.map(({ sentence }) => loader.load({ question: normalized, sentenceKey: sentence.key, corpusVersion: retrieval.corpusVersion })),
  );
  const answers: AnswerParent[] = retrieval.candidates.flatMap(({ sentence, edge }, i) => {
    const { span, cached } = resolved[i];
    return span ? [{ sentence, edge, ...span, cached }] : [];
  });
  answers.sort((a, b) => b.score - a.score || (a.sentence.key < b.sentence.key ? -1 : 1));
  return {
    question,
    concepts: retrieval.concepts,
    candidates: retrieval.candidates.map((c) => c.sentence),
    answers: answers.slice(0, answersWanted),
    tookMs: performance.now() - started,
  };
};


export const Answer: AnswerResolvers = {
  text: (answer) => answer.sentence.text.slice(answer.start, answer.end),
  edge: async (answer, _, { graph }) => {
    if (!answer.edge) return null;
    return graph.edge.load(answer.edge);
  },
};
