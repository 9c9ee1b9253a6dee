/** Small hand-written graphs for the retrieval and search tests: every word that is a concept id is a mention. */
import { sentenceKey, type MentionRecord, type SentenceRecord } from '../../src/domain.js';
import { indexTerms } from '../../src/text/index-terms.js';
import { createGraphReads, type GraphReads } from '../../src/graph/graph-reads.js';
import { QuestionConcepts } from '../../src/graph/question-concepts.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { PreparedArticle } from '../../src/store/store.js';

export interface CraftedArticle {
  id: string;
  year: number | null;
  sentences: string[];
}

/** An article whose sentences mention each of `conceptIds` wherever the id occurs as a whole word, in any case. */
export function craftedArticle({ id, year, sentences }: CraftedArticle, conceptIds: readonly string[]): PreparedArticle {
  let offset = 0;
  const records: SentenceRecord[] = sentences.map((text, position) => {
    const mentions: MentionRecord[] = conceptIds
      .flatMap((conceptId) => [...text.matchAll(new RegExp(`\\b${conceptId}\\b`, 'gi'))].map((m) => ({ conceptId, start: m.index!, end: m.index! + conceptId.length })))
      .sort((a, b) => a.start - b.start);
    const record = {
      key: sentenceKey(id, position),
      articleId: id,
      position,
      text,
      start: offset,
      end: offset + text.length,
      conceptIds: [...new Set(mentions.map((m) => m.conceptId))],
      mentions,
    };
    offset += text.length + 1;
    return record;
  });
  const concepts: PreparedArticle['concepts'] = new Map();
  for (const conceptId of new Set(records.flatMap((r) => r.conceptIds))) {
    concepts.set(conceptId, { name: conceptId, origin: 'vocabulary', surfaceForms: [conceptId] });
  }
  const contentHash = JSON.stringify([id, year, sentences]);
  return { article: { id, title: `Title of ${id}`, year, sentenceCount: records.length, contentHash }, sentences: records, concepts, terms: records.map((r) => indexTerms(r.text)) };
}

export interface CraftedGraph {
  store: SqliteStore;
  /** Graph reads as one request makes them (fresh loaders each call). */
  reads(): GraphReads;
}

export async function craftedGraph(articles: readonly CraftedArticle[], conceptIds: readonly string[]): Promise<CraftedGraph> {
  const store = await SqliteStore.open();
  for (const article of articles) await store.writeArticle(craftedArticle(article, conceptIds));
  const questionConcepts = new QuestionConcepts(store);
  return { store, reads: () => createGraphReads(store, questionConcepts) };
}
