import type { ConceptRecord, EdgeKey, SentenceRecord } from '../domain.js';
import type { GraphSearchResult } from '../graph/search.js';

/** What the resolvers of connection types receive: one page of ranked items and where it starts. */
export interface ConnectionParent<T> {
  items: T[];
  offset: number;
  total: number;
}

export interface ConnectionEdgeParent<T> {
  item: T;
  cursor: string;
}

export type SearchResultParent = GraphSearchResult;

export interface AnswerParent {
  sentence: SentenceRecord;
  edge: EdgeKey | null;
  start: number;
  end: number;
  score: number;
  cached: boolean;
}

export interface AskResultParent {
  question: string;
  concepts: ConceptRecord[];
  candidates: SentenceRecord[];
  answers: AnswerParent[];
  tookMs: number;
}
