/**
 * Retrieval quality and speed on the COVID-QA dev questions (../shared/corpus/covid-qa; its README defines a hit),
 * for kgqa and for the plain BM25 baselines computed in the same run, without a vocabulary and with MeSH.
 *
 *   npm run build && node dist/bench/retrieval.bench.js [--vocabulary none,mesh] [--questions FILE]
 *
 * Recall@k: the share of questions with a hit among the first k candidates (sentences for BM25, passages for kgqa,
 * which is why the words per candidate are printed too). Time: retrieveCandidates alone, fresh loaders per question,
 * wall and CPU.
 */
import { parseArgs } from 'node:util';
import type { SentenceRecord } from '../src/domain.js';
import { createGraphReads } from '../src/graph/graph-reads.js';
import { QuestionConcepts } from '../src/graph/question-concepts.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { retrieveCandidates } from '../src/pipeline/retrieve.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { meshPath } from '../test/support/cli.js';
import { holdsGoldSpan, loadCovidQa, type CovidQaQuestion } from '../test/support/covid-qa.js';
import { Bm25Baseline } from './support/bm25-baseline.js';
import { loadReport, median, ms, quantile } from './support/stats.js';

const KS = [1, 3, 5, 10, 20];
const DEPTH = Math.max(...KS);

const { values } = parseArgs({ options: { vocabulary: { type: 'string', default: 'none,mesh' }, questions: { type: 'string' } } });
const covidQa = await loadCovidQa(values.questions);

interface Span {
  articleId: string;
  start: number;
  end: number;
  words: number;
}

/** For each question, the rank (0-based) of the first candidate that holds its gold span, or -1. */
function firstHit(questions: readonly CovidQaQuestion[], candidates: (q: CovidQaQuestion) => Span[]): { ranks: number[]; words: number } {
  let words = 0;
  let counted = 0;
  const ranks = questions.map((q) => {
    const found = candidates(q);
    words += found.reduce((sum, c) => sum + c.words, 0);
    counted += found.length;
    return found.findIndex((c) => holdsGoldSpan(q, c));
  });
  return { ranks, words: words / Math.max(1, counted) };
}

function recallRow(name: string, { ranks, words }: { ranks: number[]; words: number }, extra = ''): string {
  const cells = KS.map((k) => ((100 * ranks.filter((r) => r >= 0 && r < k).length) / ranks.length).toFixed(1).padStart(6));
  return `${name.padEnd(34)}${cells.join('')}   ${words.toFixed(0).padStart(4)} words/candidate${extra}`;
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

console.log(`COVID-QA: ${covidQa.questions.length} questions, ${covidQa.documents.length} articles; ${loadReport()}`);
console.log(`${''.padEnd(34)}${KS.map((k) => `@${k}`.padStart(6)).join('')}`);
let baselinesShown = false;
for (const vocabulary of values.vocabulary.split(',')) {
  const store = await SqliteStore.open();
  await ingestDocuments(store, covidQa.documents, { vocabularies: vocabulary === 'mesh' ? [meshPath] : [] });

  if (!baselinesShown) {
    baselinesShown = true;
    const sentences: SentenceRecord[] = [];
    for (const result of covidQa.documents) {
      if (!('document' in result)) continue;
      const [page] = await store.articleSentences([{ articleId: result.document.id, page: { offset: 0, limit: 1e9 } }]);
      sentences.push(...((await store.getSentences(page.items)) as SentenceRecord[]));
    }
    const asSpan = (s: SentenceRecord): Span => ({ articleId: s.articleId, start: s.start, end: s.end, words: wordCount(s.text) });
    const bySentence = new Bm25Baseline(sentences, (s) => s.text);
    console.log(recallRow('BM25, sentences', firstHit(covidQa.questions, (q) => bySentence.search(q.question, DEPTH).map(asSpan))));
    const windows = sentences.flatMap((s, i) => {
      const last = sentences[i + 2];
      if (!last || last.articleId !== s.articleId) return [];
      return [{ articleId: s.articleId, start: s.start, end: last.end, text: sentences.slice(i, i + 3).map((x) => x.text).join(' ') }];
    });
    const byWindow = new Bm25Baseline(windows, (w) => w.text);
    console.log(recallRow('BM25, windows of 3 sentences', firstHit(covidQa.questions, (q) => byWindow.search(q.question, DEPTH).map((w) => ({ ...w, words: wordCount(w.text) })))));
  }

  const questionConcepts = new QuestionConcepts(store);
  const times: number[] = [];
  // CPU time beside wall time: on this shared machine wall time also counts the time spent waiting for a core.
  const cpuTimes: number[] = [];
  const retrieved = new Map<number, Span[]>();
  for (const q of covidQa.questions) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const { candidates } = await retrieveCandidates(createGraphReads(store, questionConcepts), q.question, { candidates: DEPTH, years: null });
    const cpu = process.cpuUsage(cpuStarted);
    times.push(performance.now() - started);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    retrieved.set(
      q.id,
      candidates.map(({ passage }) => {
        const first = passage.sentences[0];
        const last = passage.sentences[passage.sentences.length - 1];
        return { articleId: passage.articleId, start: first.start, end: last.end, words: wordCount(passage.text) };
      }),
    );
  }
  const stats = await store.stats();
  const timing = `   retrieval p50 ${ms(median(times))} p99 ${ms(quantile(times, 0.99))} (CPU p50 ${ms(median(cpuTimes))} p99 ${ms(quantile(cpuTimes, 0.99))})`;
  console.log(recallRow(`kgqa, ${vocabulary === 'mesh' ? 'MeSH' : 'no vocabulary'} (${stats.concepts} concepts)`, firstHit(covidQa.questions, (q) => retrieved.get(q.id)!), timing));
  await store.close();
}
