/** Retrieval (src/pipeline/retrieve.ts, passages.ts): hybrid text + graph, passages of adjacent sentences. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { passageKey, sentenceSpans, type PassageRecord } from '../src/domain.js';
import { createGraphReads, type GraphReads } from '../src/graph/graph-reads.js';
import { QuestionConcepts } from '../src/graph/question-concepts.js';
import type { DocumentResult } from '../src/ingest/documents.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { RetrievalMemo } from '../src/pipeline/retrieval-memo.js';
import { retrieveCandidates, type Retrieval } from '../src/pipeline/retrieve.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { temporaryDir } from './support/cli.js';

/** A tiny corpus ingested as a user would: documents, a vocabulary with synonyms, the real ingest. */
const VOCABULARY = [
  'id\tname\tsynonyms',
  'V:1\tSARS-CoV-2\tnCoV-2019|2019-nCoV',
  'V:2\tACE2\tangiotensin-converting enzyme 2',
  'V:3\tferret\tferrets',
  'V:4\tprotease\tproteases|proteinase',
].join('\n');

const DOCUMENTS = [
  {
    id: 'entry',
    year: 2020,
    paragraphs: [
      'Cell culture conditions were described before. Samples were stored frozen. ' +
        // Shares no word with the question below but names its concept, under a synonym.
        'nCoV-2019 uses ACE2 for entry into airway cells. Entry was blocked by antibodies. Results were reproducible.',
    ],
  },
  {
    id: 'attach',
    year: 2003,
    paragraphs: ['Bacteriophages attach to bacterial surfaces through tail fibres. The tail fibres bind lipopolysaccharide.'],
  },
  {
    id: 'incubation',
    year: 2020,
    paragraphs: [
      'Patients were followed for two weeks. The median incubation period was 5.2 days, with a long tail. ' +
        'Symptoms appeared within 12 days in most patients. Ferret models of infection were also used.',
    ],
  },
  {
    id: 'protease',
    year: 2003,
    paragraphs: ['The protease forms a dimer. A protease inhibitor binds the dimer interface. Ferrets were infected with SARS-CoV-2.'],
  },
];

let store: SqliteStore;
let questionConcepts: QuestionConcepts;
const reads = (): GraphReads => createGraphReads(store, questionConcepts);
const retrieve = (question: string, candidates = 20, years: number[] | null = null) => retrieveCandidates(reads(), question, { candidates, years });
const keys = (retrieval: Retrieval) => retrieval.candidates.map((c) => c.passage.key);
const holding = (retrieval: Retrieval, words: string) => retrieval.candidates.findIndex((c) => c.passage.text.includes(words));

beforeAll(async () => {
  const dir = temporaryDir();
  writeFileSync(join(dir, 'vocabulary.tsv'), VOCABULARY);
  const documents: DocumentResult[] = DOCUMENTS.map((d) => ({ document: { ...d, title: d.id, origin: 'test' } }));
  store = await SqliteStore.open();
  await ingestDocuments(store, documents, { vocabularies: [join(dir, 'vocabulary.tsv')] });
  questionConcepts = new QuestionConcepts(store);
});

describe('retrieveCandidates', () => {
  it('finds a passage through its words alone, when the question names no concept', async () => {
    const retrieval = await retrieve('How long is the incubation period?');
    expect(retrieval.concepts).toEqual([]);
    expect(holding(retrieval, 'median incubation period was 5.2 days')).toBe(0);
    expect(retrieval.candidates[0].edge).toBeNull();
  });

  it('finds a passage only the graph leads to: it names the question concept under a synonym and shares no word', async () => {
    const retrieval = await retrieve('What does SARS-CoV-2 attach to?');
    expect(retrieval.concepts.map((c) => c.id)).toEqual(['V:1']);
    // The phage passage matches "attach"; the entry passage matches no word but names SARS-CoV-2 as nCoV-2019.
    expect(holding(retrieval, 'Bacteriophages attach')).toBeGreaterThanOrEqual(0);
    expect(holding(retrieval, 'nCoV-2019 uses ACE2')).toBeGreaterThanOrEqual(0);
  });

  it('leaves out excluded concepts: a passage only their graph led to goes, and no edge of theirs leads anywhere', async () => {
    const excluding = (question: string, exclude: string[]) => retrieveCandidates(reads(), question, { candidates: 20, years: null, exclude });
    const without = await excluding('What does SARS-CoV-2 attach to?', ['V:1']);
    expect(without.concepts).toEqual([]);
    expect(holding(without, 'nCoV-2019 uses ACE2')).toBe(-1);
    expect(holding(without, 'Bacteriophages attach')).toBeGreaterThanOrEqual(0);
    const ferrets = await excluding('Which ferret studies involved SARS-CoV-2?', ['V:1']);
    expect(ferrets.concepts.map((c) => c.id)).toEqual(['V:3']);
    // Its words still find the passage, but not through the excluded concept's edge.
    expect(holding(ferrets, 'Ferrets were infected with SARS-CoV-2.')).toBeGreaterThanOrEqual(0);
    for (const candidate of ferrets.candidates) {
      for (const edge of [candidate.edge, ...candidate.sentenceEdges]) expect([edge?.source, edge?.target]).not.toContain('V:1');
    }
  });

  it('memoizes retrievals with and without exclusions apart', async () => {
    const memo = new RetrievalMemo<Retrieval>();
    const question = 'What does SARS-CoV-2 attach to?';
    const all = await retrieveCandidates(reads(), question, { candidates: 20, years: null }, memo);
    const excluded = await retrieveCandidates(reads(), question, { candidates: 20, years: null, exclude: ['V:1'] }, memo);
    expect(holding(all, 'nCoV-2019 uses ACE2')).toBeGreaterThanOrEqual(0);
    expect(holding(excluded, 'nCoV-2019 uses ACE2')).toBe(-1);
    expect(await retrieveCandidates(reads(), question, { candidates: 20, years: null, exclude: ['V:1', 'V:1'] }, memo)).toBe(excluded);
  });

  it('pulls in the edges of the concepts a question names, and tells which edge led to a passage', async () => {
    const retrieval = await retrieve('Which ferret studies involved SARS-CoV-2?');
    expect(retrieval.concepts.map((c) => c.id).sort()).toEqual(['V:1', 'V:3']);
    const best = retrieval.candidates[0];
    expect(best.passage.text).toContain('Ferrets were infected with SARS-CoV-2.');
    expect(best.edge).toEqual({ source: 'V:1', target: 'V:3' });
  });

  it('reads passages of up to five adjacent sentences of one article, joined by a space, that never overlap', async () => {
    const retrieval = await retrieve('Which cell culture conditions gave reproducible results?', 20);
    const entry = retrieval.candidates.find((c) => c.passage.articleId === 'entry')!.passage;
    // The first and last sentences match: the window centred between them holds both, two on each side.
    expect(entry.sentences.map((s) => s.position)).toEqual([0, 1, 2, 3, 4]);
    expect(entry.key).toBe(passageKey('entry', 0, 4));
    expect(entry.text).toBe(entry.sentences.map((s) => s.text).join(' '));
    for (const [i, a] of retrieval.candidates.entries()) {
      for (const b of retrieval.candidates.slice(i + 1)) {
        const [x, y] = [a.passage.sentences, b.passage.sentences];
        const overlap = a.passage.articleId === b.passage.articleId && x[0].position <= y.at(-1)!.position && y[0].position <= x.at(-1)!.position;
        expect(overlap, `${a.passage.key} and ${b.passage.key}`).toBe(false);
      }
    }
    const scores = retrieval.candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((p, q) => q - p));
  });

  it('reads the same text once: a paragraph repeated in a duplicate article gives one passage, and the next one takes its place', async () => {
    const own = await SqliteStore.open();
    const paragraph = 'Remdesivir inhibited viral replication in primate cells. The effect was dose dependent.';
    const documents = [
      { id: 'preprint', paragraphs: [paragraph] },
      { id: 'published', paragraphs: [paragraph] },
      { id: 'other', paragraphs: ['Remdesivir was also tested in mice. Replication fell by half.'] },
    ];
    await ingestDocuments(own, documents.map((d) => ({ document: { ...d, title: d.id, year: 2020, origin: 'test' } })), { vocabularies: [] });
    const retrieval = await retrieveCandidates(createGraphReads(own, new QuestionConcepts(own)), 'Did remdesivir inhibit viral replication?', { candidates: 2, years: null });
    const texts = retrieval.candidates.map((c) => c.passage.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(paragraph);
    expect(texts[1]).toContain('tested in mice');
    await own.close();
  });

  it('keeps the best `candidates` only', async () => {
    const all = await retrieve('protease dimer inhibitor', 20);
    expect((await retrieve('protease dimer inhibitor', 1)).candidates).toEqual(all.candidates.slice(0, 1));
    const none = await retrieve('protease dimer inhibitor', 0);
    expect(none.candidates).toEqual([]);
    expect(none.concepts).toEqual(all.concepts);
  });

  it('keeps passages of articles of the given years only', async () => {
    const question = 'Which ferret studies were done?';
    const articles = async (years: number[] | null) => [...new Set((await retrieve(question, 20, years)).candidates.map((c) => c.passage.articleId))].sort();
    expect(await articles(null)).toEqual(['incubation', 'protease']);
    expect(await articles([2020])).toEqual(['incubation']);
    expect(await articles([2003])).toEqual(['protease']);
    expect(await articles([])).toEqual(['incubation', 'protease']);
  });

  it('finds nothing for a question of stop words and unknown words', async () => {
    const retrieval = await retrieve('What colour are bananas?');
    expect(retrieval).toMatchObject({ concepts: [], candidates: [] });
  });

  it('retrieves a question once per corpus version with a memo', async () => {
    const own = await SqliteStore.open();
    const ownConcepts = new QuestionConcepts(own);
    await ingestDocuments(own, DOCUMENTS.slice(0, 2).map((d) => ({ document: { ...d, title: d.id, origin: 'test' } })));
    const memo = new RetrievalMemo<Retrieval>();
    const options = { candidates: 20, years: null };
    const question = 'Which bacteriophages attach?';
    const ask = (o = options) => retrieveCandidates(createGraphReads(own, ownConcepts), question, o, memo);
    const [first, concurrent] = await Promise.all([ask(), ask()]);
    expect(concurrent).toBe(first);
    expect(await ask()).toBe(first);
    expect(await ask({ ...options, candidates: 1 })).not.toBe(first);
    await ingestDocuments(own, [{ document: { id: 'more', title: 'more', year: null, paragraphs: ['Bacteriophages attach quickly.'], origin: 'test' } }]);
    const after = await ask();
    expect(after.corpusVersion).not.toBe(first.corpusVersion);
    expect(keys(after)).toContain(passageKey('more', 0, 0));
  });
});

describe('answer offsets in a passage', () => {
  it('map back into every sentence the answer spans', async () => {
    const [sentences] = await Promise.all([store.getSentences(['protease#0', 'protease#1', 'protease#2'])]);
    const passage: PassageRecord = {
      key: passageKey('protease', 0, 2),
      articleId: 'protease',
      sentences: sentences.map((s) => s!),
      text: sentences.map((s) => s!.text).join(' '),
    };
    const start = passage.text.indexOf('dimer.');
    const end = passage.text.indexOf(' binds');
    expect(passage.text.slice(start, end)).toBe('dimer. A protease inhibitor');
    expect(sentenceSpans(passage, start, end).map(({ sentence, start: s, end: e }) => [sentence.position, sentence.text.slice(s, e)])).toEqual([
      [0, 'dimer.'],
      [1, 'A protease inhibitor'],
    ]);
    expect(sentenceSpans(passage, 0, 3).map((s) => s.sentence.position)).toEqual([0]);
  });
});
