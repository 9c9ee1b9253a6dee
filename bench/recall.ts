/**
 * Recall@k of retrieval on the hand-written CORD-19 question set: is the sentence holding the answer
 * among the k candidates the reader would read?
 *   node dist/bench/recall.js [--vocabulary FILE] [--k 20]
 */
import { parseArgs } from 'node:util';
import { readInputs } from '../src/cli/ingest-command.js';
import { lexiconFromVocabularies } from '../src/ingest/concept-lexicon.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { loadVocabulary } from '../src/ingest/vocabulary.js';
import { createApp } from '../src/server/app.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { cord19Dir } from '../test/support/cli.js';
import { holdsAnswer, retrieveQuestionSet } from '../test/support/question-set.js';

/** Retrieval ranks whole pools; 1000 candidates is every sentence it reaches, so a miss says how far off it was. */
const POOL = 1000;

interface RecallReport {
  k: number;
  hits: number;
  total: number;
  misses: { question: string; rank: number | null }[];
}

async function measureRecall(store: SqliteStore, k: number): Promise<RecallReport> {
  const questions = await retrieveQuestionSet(createApp({ store }), POOL);
  const misses: RecallReport['misses'] = [];
  let hits = 0;
  for (const q of questions) {
    const rank = q.candidates.findIndex((sentence) => holdsAnswer(q, sentence));
    if (rank >= 0 && rank < k) hits++;
    else misses.push({ question: q.question, rank: rank >= 0 ? rank + 1 : null });
  }
  return { k, hits, total: questions.length, misses };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { vocabulary: { type: 'string', multiple: true }, k: { type: 'string', default: '20' } } });
  const store = await SqliteStore.open();
  const lexicon = values.vocabulary?.length ? lexiconFromVocabularies(await Promise.all(values.vocabulary.map(loadVocabulary))) : undefined;
  await ingestDocuments(store, await readInputs([cord19Dir]), { lexicon });
  const report = await measureRecall(store, Number(values.k));
  console.log(`recall@${report.k}: ${report.hits}/${report.total} = ${((100 * report.hits) / report.total).toFixed(1)}%`);
  for (const miss of report.misses) console.log(`  miss (rank ${miss.rank ?? 'not retrieved'}): ${miss.question}`);
}

await main();
