/**
 * Recall@1/3/5/10/20 of retrieval on the small hand-written question sets: is a passage holding the answer among
 * the first k the reader would read?
 *   node dist/bench/recall.js [--set cord19|seed] [--vocabulary FILE]…
 * cord19: 30 factoid questions over the CORD-19 sample (test/support/questions/cord19-factoid.tsv); a hit is a passage
 * of the question's article holding the sentence's evidence. seed: the questions of seed/questions.tsv over
 * seed/corpus; a hit is a passage of the question's article holding the answer text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readInputs } from '../src/cli/ingest-command.js';
import type { PassageRecord } from '../src/domain.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { createApp } from '../src/server/app.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { askApp, readsNothing } from '../test/support/ask.js';
import { cord19Dir, repoRoot } from '../test/support/cli.js';
import { holdsAnswer, loadQuestionSet } from '../test/support/question-set.js';

const KS = [1, 3, 5, 10, 20];

interface Question {
  question: string;
  holds(passage: PassageRecord): boolean;
}

function seedQuestions(): Question[] {
  const [, ...rows] = readFileSync(join(repoRoot, 'seed', 'questions.tsv'), 'utf8').split('\n').filter((line) => line.trim() !== '');
  return rows.map((row) => {
    const [question, answer, articleId] = row.split('\t');
    return { question, holds: (p) => p.articleId === articleId && p.text.includes(answer) };
  });
}

const { values } = parseArgs({ options: { set: { type: 'string', default: 'cord19' }, vocabulary: { type: 'string', multiple: true } } });
const seed = values.set === 'seed';
const questions: Question[] = seed ? seedQuestions() : loadQuestionSet().map((q) => ({ question: q.question, holds: (p) => holdsAnswer(q, p) }));
const store = await SqliteStore.open();
await ingestDocuments(store, await readInputs([seed ? join(repoRoot, 'seed', 'corpus') : cord19Dir]), { vocabularies: values.vocabulary ?? [] });
const app = createApp({ store });
const ranks: number[] = [];
const misses: string[] = [];
for (const q of questions) {
  const { candidates } = await askApp(app, q.question, { candidates: Math.max(...KS), answers: readsNothing });
  const rank = candidates.findIndex((p) => q.holds(p));
  ranks.push(rank);
  if (rank < 0) misses.push(q.question);
}
const row = KS.map((k) => `@${k} ${ranks.filter((r) => r >= 0 && r < k).length}/${ranks.length}`).join('  ');
console.log(`${values.set}, ${values.vocabulary?.length ? values.vocabulary.join(', ') : 'no vocabulary'}: ${row}`);
for (const miss of misses) console.log(`  not among the first ${Math.max(...KS)}: ${miss}`);
