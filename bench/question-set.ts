import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

export interface FactoidQuestion {
  question: string;
  answer: string;
  articleId: string;
  /** An exact substring of the one sentence that holds the answer. */
  evidence: string;
}

export const QUESTION_SET_PATH = join(packageRoot, 'bench', 'questions', 'cord19-factoid.tsv');

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
