import { sentenceSpans, type ConceptRecord, type EdgeKey, type PassageRecord } from '../domain.js';
import type { GraphReads } from '../graph/graph-reads.js';
import type { AnswerService } from './answer-service.js';
import { normalizeQuestion } from './question.js';
import type { NoAnswerPolicy } from './reader.js';
import type { RetrievalMemo } from './retrieval-memo.js';
import { answersPassage } from './select.js';
import { retrieveCandidates, type Retrieval } from './retrieve.js';

/** Answers (question, passage) pairs: an AnswerService, or a request's batch in front of one. */
export type Answerer = Pick<AnswerService, 'answer'>;

export interface AskOptions {
  /** Passages the reader reads. */
  candidates: number;
  /** Answers returned, best first. */
  limit: number;
  years: readonly number[] | null;
  /** Concepts hidden by the user (see RetrievalOptions.exclude). */
  exclude?: readonly string[];
  /** Retrievals memoized per corpus version (the app's); without it every ask walks the graph. */
  retrievals?: RetrievalMemo<Retrieval>;
  /** The reader's (QaReader.noAnswer): a passage whose null score wins gives no answer. Null: every best span answers. */
  noAnswer?: NoAnswerPolicy | null;
}

export interface AskAnswer {
  passage: PassageRecord;
  /** The edge among the question's concepts that led to the answer's sentence (or else to its passage); null when its text alone did. */
  edge: EdgeKey | null;
  /** Character offsets of the answer in the passage text. */
  start: number;
  end: number;
  score: number;
  /** The passage's no-answer score (CLS start × end probabilities, lowest over its windows). */
  nullScore: number;
  cached: boolean;
}

export interface AskResult {
  /** As asked. */
  question: string;
  concepts: ConceptRecord[];
  /** The passages read, in retrieval order. */
  candidates: PassageRecord[];
  answers: AskAnswer[];
  /** True when the model can say "no answer" and said it of every passage read. */
  noAnswer: boolean;
  /** The lowest null score of the passages read; null when none was read. */
  nullScore: number | null;
  tookMs: number;
}

/** The ask use case: retrieve candidate passages, read each (or take its cached answer), return the best spans. */
export async function ask(graph: GraphReads, answers: Answerer, question: string, options: AskOptions): Promise<AskResult> {
  const started = performance.now();
  // Concepts are matched on the question as typed (acronyms such as SARS only match in capitals); the reader
  // reads the normalized question, which also keys the answer cache.
  const retrieval = await retrieveCandidates(
    graph,
    question,
    { candidates: options.candidates, years: options.years, exclude: options.exclude },
    options.retrievals,
  );
  const normalized = normalizeQuestion(question);
  const resolved = await answers.answer(
    retrieval.candidates.map(({ passage }) => ({ question: normalized, passage })),
  );
  const read = resolved.flatMap(({ span }) => (span ? [span] : []));
  const policy = options.noAnswer ?? null;
  const found: AskAnswer[] = retrieval.candidates.flatMap(({ passage, edge, sentenceEdges }, i) => {
    const { span, cached } = resolved[i];
    if (!span || (policy && !answersPassage(span, policy.nullThreshold))) return [];
    // The edge that led to the sentence the answer starts in, when the graph led there; else the passage's.
    const first = sentenceSpans(passage, span.start, span.end)[0]?.sentence;
    const own = first ? sentenceEdges[passage.sentences.indexOf(first)] : null;
    return [{ passage, edge: own ?? edge, ...span, cached }];
  });
  found.sort((a, b) => b.score - a.score || (a.passage.key < b.passage.key ? -1 : 1));
  return {
    question,
    concepts: retrieval.concepts,
    candidates: retrieval.candidates.map((c) => c.passage),
    answers: found.slice(0, options.limit),
    noAnswer: policy !== null && read.length > 0 && found.length === 0,
    nullScore: read.length > 0 ? Math.min(...read.map((span) => span.nullScore)) : null,
    tookMs: performance.now() - started,
  };
}
