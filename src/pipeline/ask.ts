import type { ConceptRecord, EdgeKey, SentenceRecord } from '../domain.js';
import type { GraphReads } from '../graph/graph-reads.js';
import type { AnswerService } from './answer-service.js';
import { normalizeQuestion } from './question.js';
import type { RetrievalMemo } from './retrieval-memo.js';
import { retrieveCandidates, type Retrieval } from './retrieve.js';

/** Answers (question, sentence) pairs: an AnswerService, or a request's batch in front of one. */
export type Answerer = Pick<AnswerService, 'answer'>;

export interface AskOptions {
  /** Sentences the reader reads. */
  candidates: number;
  /** Answers returned, best first. */
  limit: number;
  years: readonly number[] | null;
  /** Retrievals memoized per corpus version (the app's); without it every ask walks the graph. */
  retrievals?: RetrievalMemo<Retrieval>;
}

export interface AskAnswer {
  sentence: SentenceRecord;
  /** The edge that led to the sentence; null when one of the question's concepts alone did. */
  edge: EdgeKey | null;
  /** Character offsets of the answer in the sentence text. */
  start: number;
  end: number;
  score: number;
  cached: boolean;
}

export interface AskResult {
  /** As asked. */
  question: string;
  concepts: ConceptRecord[];
  /** The sentences read, in retrieval order. */
  candidates: SentenceRecord[];
  answers: AskAnswer[];
  tookMs: number;
}

/** The ask use case: retrieve candidate sentences, read each (or take its cached answer), return the best spans. */
export async function ask(graph: GraphReads, answers: Answerer, question: string, options: AskOptions): Promise<AskResult> {
  const started = performance.now();
  // Concepts are matched on the question as typed (acronyms such as SARS only match in capitals); the reader
  // reads the normalized question, which also keys the answer cache.
  const retrieval = await retrieveCandidates(graph, question, { candidates: options.candidates, years: options.years }, options.retrievals);
  const normalized = normalizeQuestion(question);
  const resolved = await answers.answer(
    retrieval.candidates.map(({ sentence }) => ({ question: normalized, sentenceKey: sentence.key, corpusVersion: retrieval.corpusVersion })),
  );
  const found: AskAnswer[] = retrieval.candidates.flatMap(({ sentence, edge }, i) => {
    const { span, cached } = resolved[i];
    return span ? [{ sentence, edge, ...span, cached }] : [];
  });
  found.sort((a, b) => b.score - a.score || (a.sentence.key < b.sentence.key ? -1 : 1));
  return {
    question,
    concepts: retrieval.concepts,
    candidates: retrieval.candidates.map((c) => c.sentence),
    answers: found.slice(0, options.limit),
    tookMs: performance.now() - started,
  };
}
