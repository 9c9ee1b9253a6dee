/**
 * The COVID-QA development set (../shared/corpus/covid-qa, its README defines the scoring): 98 CORD-19 articles as
 * kgqa documents and 687 questions with gold answer spans, the spans moved into the coordinates kgqa's sentences
 * use (the article body after paragraphs are split and lines joined), so a retrieved sentence or passage can be
 * scored against them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readInputs } from '../../src/cli/ingest-command.js';
import type { DocumentResult, SourceDocument } from '../../src/ingest/documents.js';
import { PARAGRAPH_SEPARATOR } from '../../src/ingest/prepare-article.js';
import { sharedDir } from './cli.js';

export const COVID_QA_DIR = join(sharedDir, 'corpus', 'covid-qa');
export const COVID_QA_ARTICLES = join(COVID_QA_DIR, 'articles.jsonl');

export interface CovidQaQuestion {
  id: number;
  articleId: string;
  question: string;
  answer: string;
  /** The gold span in the article body's coordinates (as SentenceRecord.start/end). */
  start: number;
  end: number;
}

export interface CovidQa {
  documents: DocumentResult[];
  questions: CovidQaQuestion[];
}

export async function loadCovidQa(questionsFile = join(COVID_QA_DIR, 'questions-dev.jsonl')): Promise<CovidQa> {
  const documents = await readInputs([COVID_QA_ARTICLES]);
  const raw = new Map<string, string>();
  for (const line of readFileSync(COVID_QA_ARTICLES, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const { id, text } = JSON.parse(line) as { id: string; text: string };
    raw.set(id, text);
  }
  const toBody = new Map<string, Int32Array>();
  for (const result of documents) {
    if (!('document' in result)) throw new Error(`COVID-QA article rejected: ${result.rejected.reason}`);
    toBody.set(result.document.id, bodyOffsets(result.document, raw.get(result.document.id)!));
  }
  const questions = readFileSync(questionsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const q = JSON.parse(line) as { id: number; doc: string; q: string; answer: string; start: number };
      const map = toBody.get(q.doc)!;
      return { id: q.id, articleId: q.doc, question: q.q, answer: q.answer, start: map[q.start], end: map[q.start + q.answer.length - 1] + 1 };
    });
  return { documents, questions };
}

/**
 * For each offset of the raw text, the offset of the same character in the body kgqa splits into sentences.
 * The body keeps every non-space character of the raw text in order and only drops or changes whitespace.
 */
function bodyOffsets(document: SourceDocument, raw: string): Int32Array {
  const body = document.paragraphs.join(PARAGRAPH_SEPARATOR);
  const map = new Int32Array(raw.length + 1);
  let b = 0;
  for (let r = 0; r < raw.length; r++) {
    if (/\s/.test(raw[r])) {
      map[r] = b;
      continue;
    }
    while (b < body.length && body[b] !== raw[r]) b++;
    map[r] = b++;
  }
  map[raw.length] = body.length;
  return map;
}

/** The COVID-QA README's hit: in the question's article, overlapping the gold span by at least min(20, its length) characters. */
export function holdsGoldSpan(question: CovidQaQuestion, candidate: { articleId: string; start: number; end: number }): boolean {
  if (candidate.articleId !== question.articleId) return false;
  const overlap = Math.min(candidate.end, question.end) - Math.max(candidate.start, question.start);
  return overlap >= Math.min(20, question.end - question.start);
}
