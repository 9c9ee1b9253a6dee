import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cord19Dir, graphql } from './cli.js';

/** The paper ids, read straight from the sample files rather than from kgqa. */
export function cord19PaperIds(): string[] {
  return readdirSync(cord19Dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(cord19Dir, name), 'utf8')).paper_id as string);
}

export interface ServedSentence {
  key: string;
  text: string;
  concepts: { id: string; name: string }[];
  mentions: { concept: { id: string }; start: number; end: number }[];
}

/** Every sentence of the given articles, paging through `Article.sentences` over HTTP. */
export async function fetchAllSentences(url: string, articleIds: string[]): Promise<ServedSentence[]> {
  const sentences: ServedSentence[] = [];
  for (const id of articleIds) {
    let after: string | null = null;
    for (;;) {
      const response = await graphql(
        url,
        `query($id: ID!, $after: String) { article(id: $id) { sentenceCount sentences(first: 100, after: $after) {
          totalCount pageInfo { hasNextPage endCursor }
          edges { node { key text concepts { id name } mentions { concept { id } start end } } } } } }`,
        { id, after },
      );
      expect(response.errors).toBeUndefined();
      const page = response.data.article.sentences;
      sentences.push(...page.edges.map((edge: { node: ServedSentence }) => edge.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  }
  return sentences;
}

/** Concept id -> number of sentences that mention it, counted by the test itself. */
export function countMentions(sentences: ServedSentence[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sentence of sentences) {
    for (const { id } of sentence.concepts) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export async function fetchStats(url: string) {
  const response = await graphql(url, '{ stats { articles sentences concepts edges } }');
  expect(response.errors).toBeUndefined();
  return response.data.stats as { articles: number; sentences: number; concepts: number; edges: number };
}
