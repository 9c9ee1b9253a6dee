/**
 * The CORD-19 sample and the factoid question set as every benchmark (and the parity test) sees them:
 * ingested without a vocabulary into a fresh MemoryStore, candidates retrieved exactly as `ask` retrieves them.
 */
import { join } from 'node:path';
import { readInputs } from '../../src/cli/ingest-command.js';
import type { SentenceRecord } from '../../src/domain.js';
import { ingestDocuments } from '../../src/ingest/ingest.js';
import { normalizeQuestion } from '../../src/pipeline/question.js';
import { retrieveCandidates } from '../../src/pipeline/retrieve.js';
import type { WordPieceTokenizer } from '../../src/pipeline/tokenize.js';
import { packageRoot } from '../../src/paths.js';
import { createRequestContext, type Services } from '../../src/resolvers/request-context.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { loadQuestionSet, type FactoidQuestion } from '../question-set.js';

export const CORD19_SAMPLE_DIR = join(packageRoot, '..', 'shared', 'corpus', 'cord19-sample');

/** With a tokenizer, sentences are pre-tokenized as `kgqa ingest --model` does, so reads fetch stored tokens. */
export async function ingestCord19Sample(tokenizer?: WordPieceTokenizer): Promise<MemoryStore> {
  const store = await MemoryStore.open();
  await ingestDocuments(store, await readInputs([CORD19_SAMPLE_DIR]), { tokenizer });
  return store;
}

export interface RetrievedQuestion extends FactoidQuestion {
  /** What `ask` retrieves with and the reader reads (normalizeQuestion). */
  normalized: string;
  /** Best first, at most `k`. */
  candidates: SentenceRecord[];
  /** 0-based rank of the sentence holding the answer among the candidates, or -1. */
  evidenceRank: number;
}

export function holdsAnswer(question: FactoidQuestion, sentence: SentenceRecord): boolean {
  return sentence.articleId === question.articleId && sentence.text.includes(question.evidence);
}

/** The top `k` candidates of every question of the set, each retrieval in its own request context as in `ask`. */
export async function retrieveQuestionSet(services: Services, k: number): Promise<RetrievedQuestion[]> {
  const retrieved: RetrievedQuestion[] = [];
  for (const question of loadQuestionSet()) {
    const normalized = normalizeQuestion(question.question);
    const { candidates } = await retrieveCandidates(createRequestContext(services).graph, normalized, { candidates: k, years: null });
    const sentences = candidates.map((c) => c.sentence);
    retrieved.push({ ...question, normalized, candidates: sentences, evidenceRank: sentences.findIndex((s) => holdsAnswer(question, s)) });
  }
  return retrieved;
}

