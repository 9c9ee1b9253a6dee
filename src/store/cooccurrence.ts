import { canonicalEdge, edgeId, type EdgeKey, type SentenceRecord } from '../domain.js';

export interface SentenceEdge {
  edge: EdgeKey;
  /** In (0, 1]: 1 when the two mentions touch, falling as they move apart, so tight co-mentions rank first. */
  score: number;
}

const PROXIMITY_SCALE_CHARS = 80;

/** Every pair of distinct concepts mentioned in one sentence, each scored by how close its closest mentions are. */
export function sentenceEdges(sentence: Pick<SentenceRecord, 'mentions'>): SentenceEdge[] {
  const gaps = new Map<string, { edge: EdgeKey; gap: number }>();
  const { mentions } = sentence;
  for (let i = 0; i < mentions.length; i++) {
    for (let j = i + 1; j < mentions.length; j++) {
      const a = mentions[i];
      const b = mentions[j];
      if (a.conceptId === b.conceptId) continue;
      const edge = canonicalEdge(a.conceptId, b.conceptId);
      const gap = Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));
      const id = edgeId(edge);
      const seen = gaps.get(id);
      if (!seen || gap < seen.gap) gaps.set(id, { edge, gap });
    }
  }
  return [...gaps.values()].map(({ edge, gap }) => ({
    edge,
    score: Math.round((PROXIMITY_SCALE_CHARS / (PROXIMITY_SCALE_CHARS + gap)) * 1e6) / 1e6,
  }));
}
