/**
 * Why the embedded store's text index is impact-ordered postings and not SQLite FTS5: both over the same sentences
 * (COVID-QA + the CORD-19 sample at 1× and 10×, bench/support/corpus-multiplier.ts), asked the COVID-QA dev
 * questions for their 200 best sentences.
 * - kgqa: `matchSentences` over the store's postings, reading the best 300 postings of each question term
 *   (retrieval's setting), so a query reads a bounded number of rows whatever the corpus size;
 * - FTS5: a `porter unicode61` table of the same sentences, the OR of the question's words (stop words removed),
 *   ranked by `bm25()`, which scores every sentence holding any of the words.
 * Each reports p50/p99 per question and how often a sentence holding the gold span (the COVID-QA README's rule,
 * in the question's article; at 10× in the article itself, not its copies) is among the 200.
 *
 *   npm run build && node dist/bench/text-index.bench.js [--factors 1,10] [--questions N]
 */
import Database from 'better-sqlite3';
import { parseArgs } from 'node:util';
import type { SentenceRecord } from '../src/domain.js';
import { createGraphReads } from '../src/graph/graph-reads.js';
import { QuestionConcepts } from '../src/graph/question-concepts.js';
import { analyzeText, matchSentences } from '../src/graph/text-search.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { STOP_WORDS } from '../src/text/stopwords.js';
import { holdsGoldSpan, loadCovidQa } from '../test/support/covid-qa.js';
import { multiplyCorpus, readBaseCorpus } from './support/corpus-multiplier.js';
import { loadReport, median, ms, quantile } from './support/stats.js';

const POOL = 200;
const POSTINGS_PER_TERM = 300;

const { values } = parseArgs({ options: { factors: { type: 'string', default: '1,10' }, questions: { type: 'string' } } });
const { questions: all } = await loadCovidQa();
const questions = values.questions ? all.slice(0, Number(values.questions)) : all;
const base = await readBaseCorpus();

/** FTS5's query language has operators; each word is quoted so a question is only ever a list of words. */
function ftsQuery(question: string): string {
  const words = [...new Set(question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((w) => !STOP_WORDS.has(w));
  return words.map((w) => `"${w}"`).join(' OR ');
}

console.log(`${questions.length} COVID-QA questions, top ${POOL} sentences; ${loadReport()}`);
console.log(`${'size'.padEnd(6)}${'sentences'.padStart(11)}   ${'kgqa p50'.padStart(10)}${'p99'.padStart(10)}${'hit'.padStart(8)}   ${'FTS5 p50'.padStart(10)}${'p99'.padStart(10)}${'hit'.padStart(8)}`);
for (const factor of values.factors.split(',').map(Number)) {
  const store = await SqliteStore.open();
  await ingestDocuments(store, [...multiplyCorpus(base, factor)].map((document) => ({ document })), { vocabularies: [] });
  const fts = new Database(':memory:');
  fts.exec("CREATE VIRTUAL TABLE sentences USING fts5(text, article UNINDEXED, start UNINDEXED, end UNINDEXED, tokenize = 'porter unicode61')");
  const insert = fts.prepare('INSERT INTO sentences (text, article, start, end) VALUES (?, ?, ?, ?)');
  const articleIds = [...multiplyCorpus(base, factor)].map((d) => d.id);
  for (const articleId of articleIds) {
    const [page] = await store.articleSentences([{ articleId, page: { offset: 0, limit: 1e9 } }]);
    const sentences = (await store.getSentences(page.items)) as SentenceRecord[];
    fts.transaction(() => sentences.forEach((s) => insert.run(s.text, s.articleId, s.start, s.end)))();
  }
  const search = fts.prepare('SELECT article AS articleId, start, end FROM sentences WHERE sentences MATCH ? ORDER BY bm25(sentences) LIMIT ?');

  const questionConcepts = new QuestionConcepts(store);
  const ours = { times: [] as number[], hits: 0 };
  const theirs = { times: [] as number[], hits: 0 };
  for (const question of questions) {
    const text = analyzeText(question.question);
    let started = performance.now();
    const { sentences } = await matchSentences(createGraphReads(store, questionConcepts), text, { postingsPerTerm: POSTINGS_PER_TERM, limit: POOL });
    ours.times.push(performance.now() - started);
    const located = await store.getSentences(sentences.map((s) => s.key));
    if (located.some((s) => s !== null && holdsGoldSpan(question, s))) ours.hits++;

    const query = ftsQuery(question.question);
    started = performance.now();
    const rows = query ? (search.all(query, POOL) as { articleId: string; start: number; end: number }[]) : [];
    theirs.times.push(performance.now() - started);
    if (rows.some((row) => holdsGoldSpan(question, row))) theirs.hits++;
  }
  const stats = await store.stats();
  const hit = (n: number) => `${((100 * n) / questions.length).toFixed(1)}%`.padStart(8);
  console.log(
    `${`${factor}×`.padEnd(6)}${String(stats.sentences).padStart(11)}   ${ms(median(ours.times)).padStart(10)}${ms(quantile(ours.times, 0.99)).padStart(10)}${hit(ours.hits)}   ${ms(median(theirs.times)).padStart(10)}${ms(quantile(theirs.times, 0.99)).padStart(10)}${hit(theirs.hits)}`,
  );
  fts.close();
  await store.close();
}
