/** The hand-written factoid questions over the CORD-19 sample (questions/README.md), as the parity test and the benchmarks read them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PassageRecord, SentenceRecord } from '../../src/domain.js';
import { packageRoot } from '../../src/paths.js';
import { normalizeQuestion } from '../../src/pipeline/question.js';
import type { App } from '../../src/server/app.js';
import { askApp, readsNothing } from './ask.js';

export interface FactoidQuestion {
  question: string;
  answer: string;
  articleId: string;
  /** An exact substring of the one sentence that holds the answer. */
  evidence: string;
}

export const QUESTION_SET_PATH = join(packageRoot, 'test', 'support', 'questions', 'cord19-factoid.tsv');

export function loadQuestionSet(path = QUESTION_SET_PATH): FactoidQuestion[] {
  const [header, ...rows] = readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '');
  if (header !== 'question\tanswer\tarticle_id\tevidence') throw new Error(`${path}: unexpected header "${header}"`);
  return rows.map((row, index) => {
    const fields = row.split('\t');
    if (fields.length !== 4) throw new Error(`${path}:${index + 2}: expected 4 tab-separated fields`);
    const [question, answer, articleId, evidence] = fields;
    return { question, answer, articleId, evidence };
  });
}

/** Whether a sentence or passage of the question's article holds its evidence. */
export function holdsAnswer(question: FactoidQuestion, candidate: Pick<SentenceRecord, 'articleId' | 'text'>): boolean {
  return candidate.articleId === question.articleId && candidate.text.includes(question.evidence);
}

export interface RetrievedQuestion extends FactoidQuestion {
  /** What the reader reads (normalizeQuestion). */
  normalized: string;
  /** The passages `ask` reads, best first, at most `k`. */
  candidates: PassageRecord[];
  /** 0-based rank of the passage holding the answer among the candidates, or -1. */
  evidenceRank: number;
}

/** The top `k` candidates of every question of the set, retrieved by `ask` itself (with no reader behind it). */
export async function retrieveQuestionSet(app: App, k: number): Promise<RetrievedQuestion[]> {
  const retrieved: RetrievedQuestion[] = [];
  for (const question of loadQuestionSet()) {
    const { candidates } = await askApp(app, question.question, { candidates: k, answers: readsNothing });
    const evidenceRank = candidates.findIndex((s) => holdsAnswer(question, s));
    retrieved.push({ ...question, normalized: normalizeQuestion(question.question), candidates, evidenceRank });
  }
  return retrieved;
}
