/**
 * Retrieval as the corpus grows: COVID-QA + the CORD-19 sample at 1×, 10× and 100×, on the embedded store or a
 * 3-master Redis Cluster; at each size ingest throughput, stored bytes per sentence, retrieval p50/p99 and
 * recall@k on the COVID-QA dev questions.
 *
 *   npm run build && node dist/bench/retrieval-scale.bench.js [--store sqlite|cluster] [--sizes 1,10,100] [--questions N]
 *     [--replicas 1]   (the cluster's replicas per master; 0 halves its memory: 100× needs ~13 GB in the masters)
 *
 * The extra documents are the real articles again under new ids with their paragraphs shuffled
 * (bench/support/corpus-multiplier.ts), so every answer exists once per copy: at N× a passage holding the answer
 * counts as a hit in the question's article (the COVID-QA README's rule) or in one of its copies (the passage holds
 * the answer's first min(20, length) characters). Sizes are reached by adding copies to the same store.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGraphReads } from '../src/graph/graph-reads.js';
import { QuestionConcepts } from '../src/graph/question-concepts.js';
import type { DocumentResult } from '../src/ingest/documents.js';
import { ArticlePreparer } from '../src/ingest/article-preparer.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { retrieveCandidates, type Candidate } from '../src/pipeline/retrieve.js';
import { RedisStore } from '../src/store/redis-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { GraphStore } from '../src/store/store.js';
import { temporaryDir } from '../test/support/cli.js';
import { holdsGoldSpan, loadCovidQa, type CovidQaQuestion } from '../test/support/covid-qa.js';
import { redisInfo, startRedisCluster } from '../test/support/redis-cluster.js';
import { documentCopy, readBaseCorpus } from './support/corpus-multiplier.js';
import { loadReport, median, ms, quantile } from './support/stats.js';

const KS = [1, 3, 5, 10, 20];
const BATCH = 200;

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    sizes: { type: 'string', default: '1,10,100' },
    questions: { type: 'string' },
    replicas: { type: 'string', default: '1' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const base = await readBaseCorpus();
const { questions: allQuestions } = await loadCovidQa();
const questions = values.questions ? allQuestions.slice(0, Number(values.questions)) : allQuestions;

const cluster = values.store === 'cluster' ? await startRedisCluster({ replicas: Number(values.replicas) }) : null;
const dataDir = temporaryDir();
const store: GraphStore = cluster ? await RedisStore.open(cluster.url, { namespace: 'scale' }) : await SqliteStore.open({ dataDir });

async function storedBytes(): Promise<number> {
  if (!cluster) return ['kgqa.sqlite', 'kgqa.sqlite-wal'].reduce((sum, file) => sum + (statSync(join(dataDir, file), { throwIfNoEntry: false })?.size ?? 0), 0);
  const masters = await cluster.masterPorts();
  const used = await Promise.all(masters.map(async (port) => Number((await redisInfo(port, 'memory')).get('used_memory'))));
  return used.reduce((a, b) => a + b, 0);
}

/** The COVID-QA rule in the question's own article; in a copy, the passage holds the answer's opening characters. */
function hit(question: CovidQaQuestion, { passage }: Candidate): boolean {
  const first = passage.sentences[0];
  const last = passage.sentences[passage.sentences.length - 1];
  if (passage.articleId === question.articleId) return holdsGoldSpan(question, { articleId: passage.articleId, start: first.start, end: last.end });
  return passage.articleId.startsWith(`${question.articleId}~`) && passage.text.includes(question.answer.slice(0, 20));
}

console.log(`store ${values.store}${cluster ? ` (3 masters, ${values.replicas} replica(s) each)` : ''}; ${base.length} base documents; ${questions.length} questions; ${loadReport()}`);
// Ingest rate: sentences added per second in the step that grew the corpus to this size.
console.log(`${'size'.padEnd(6)}${'sentences'.padStart(11)}${'ingest s/s'.padStart(12)}${'B/sentence'.padStart(12)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'CPU p50'.padStart(10)}  ${KS.map((k) => `@${k}`.padStart(6)).join('')}`);
const preparer = await ArticlePreparer.start();
let ingestedCopies = 0;
for (const size of sizes) {
  const sentencesBefore = (await store.stats()).sentences;
  const started = performance.now();
  const documents: DocumentResult[] = [];
  const flush = async () => {
    await ingestDocuments(store, documents.splice(0), { preparer });
  };
  for (; ingestedCopies < size; ingestedCopies++) {
    for (const document of base) {
      documents.push({ document: ingestedCopies === 0 ? document : documentCopy(document, ingestedCopies) });
      if (documents.length >= BATCH) await flush();
    }
  }
  await flush();
  const ingestSeconds = (performance.now() - started) / 1000;
  const stats = await store.stats();
  const bytes = await storedBytes();

  const questionConcepts = new QuestionConcepts(store);
  // One warm-up question builds the matcher and warms the page cache, as a server's first request does.
  await retrieveCandidates(createGraphReads(store, questionConcepts), questions[0].question, { candidates: 20, years: null });
  const times: number[] = [];
  // CPU time beside wall time: on this shared machine wall time also counts waiting for a core (not for Redis,
  // whose round trips only wall time sees).
  const cpuTimes: number[] = [];
  const ranks: number[] = [];
  for (const question of questions) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { candidates } = await retrieveCandidates(createGraphReads(store, questionConcepts), question.question, { candidates: 20, years: null });
    const cpu = process.cpuUsage(cpu0);
    times.push(performance.now() - t0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    ranks.push(candidates.findIndex((c) => hit(question, c)));
  }
  const recall = KS.map((k) => ((100 * ranks.filter((r) => r >= 0 && r < k).length) / ranks.length).toFixed(1).padStart(6)).join('');
  const addedSentences = stats.sentences - sentencesBefore;
  console.log(
    `${`${size}×`.padEnd(6)}${String(stats.sentences).padStart(11)}${(addedSentences / ingestSeconds).toFixed(0).padStart(12)}${(bytes / stats.sentences).toFixed(0).padStart(12)}${ms(median(times)).padStart(10)}${ms(quantile(times, 0.99)).padStart(10)}${ms(median(cpuTimes)).padStart(10)}  ${recall}   (${loadReport()})`,
  );
}
await preparer.close();
await store.close();
await cluster?.stop();
