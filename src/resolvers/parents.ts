import type { GraphSearchResult } from '../graph/search.js';
import type { AskAnswer, AskResult } from '../pipeline/ask.js';

/** What the resolvers of connection types receive: one page of ranked items and where it starts. */
export interface ConnectionParent<T> {
  items: T[];
  offset: number;
  total: number;
  /** When items were left out (exclusions): each item's place in the full list, and whether any follow. */
  filtered?: { positions: number[]; hasNextPage: boolean };
}

export interface ConnectionEdgeParent<T> {
  item: T;
  cursor: string;
}

export type SearchResultParent = GraphSearchResult;
export type AskResultParent = AskResult;
export type AnswerParent = AskAnswer;
