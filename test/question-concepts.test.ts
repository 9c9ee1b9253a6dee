/** The concepts a question or a search names (src/graph/question-concepts.ts), on CORD-19 with MeSH. */
import { beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../src/cli/ingest-command.js';
import type { ConceptRecord } from '../src/domain.js';
import { createGraphReads } from '../src/graph/graph-reads.js';
import { QuestionConcepts } from '../src/graph/question-concepts.js';
import { searchGraph } from '../src/graph/search.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { retrieveCandidates } from '../src/pipeline/retrieve.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { cord19Dir, meshPath } from './support/cli.js';

let store: SqliteStore;
let questionConcepts: QuestionConcepts;

beforeAll(async () => {
  store = await SqliteStore.open();
  await ingestDocuments(store, await readInputs([cord19Dir]), { vocabularies: [meshPath] });
  questionConcepts = new QuestionConcepts(store);
});

async function conceptsOf(question: string): Promise<ConceptRecord[]> {
  const { concepts } = await retrieveCandidates(createGraphReads(store, questionConcepts), question, { candidates: 3, years: null });
  return concepts;
}

/** Words of a text, lower case, for comparing word sequences. */
const words = (text: string) => ` ${(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join(' ')} `;

/** Whether one of the concept's forms ("Main Proteinase, Coronavirus" also read uninverted) occurs in the text as whole words. */
function named(concept: ConceptRecord, text: string): boolean {
  const forms = concept.surfaceForms.flatMap((form) => [form, form.replace(/^(.+?), (.+)$/, '$2 $1')]);
  return forms.some((form) => words(text).includes(words(form)));
}

describe('question concepts', () => {
  it('are only concepts the question names: a word inside a longer concept name is no match', async () => {
    const questions = [
      'What is the incubation period of COVID-19?',
      'What receptor does SARS-CoV-2 use to enter cells?',
      'What is the molecular mass of the coronavirus main proteinase?',
      'Which animals carry SARS coronavirus?',
    ];
    for (const question of questions) {
      const concepts = await conceptsOf(question);
      expect(concepts.filter((c) => !named(c, question)).map((c) => c.name), question).toEqual([]);
    }
    // Before: "Period Prevalence" made the whole answer graph about prevalence; "Receptor, IGF Type 2" joined.
    expect((await conceptsOf('What is the incubation period of COVID-19?')).map((c) => c.name)).not.toContain('Prevalence');
    expect((await conceptsOf('What receptor does SARS-CoV-2 use to enter cells?')).map((c) => c.name)).not.toContain('Receptor, IGF Type 2');
    expect((await conceptsOf('Which animals carry SARS coronavirus?')).map((c) => c.name)).toContain('Severe acute respiratory syndrome-related coronavirus');
  });

  it('a search naming fewer than two concepts is widened with the concepts of the sentences matching its words', async () => {
    const result = await searchGraph(createGraphReads(store, questionConcepts), 'coronavirus spike protein ACE2', null, 20);
    expect(result.concepts[0].name).toBe('Spike Glycoprotein, Coronavirus');
    expect(result.concepts.length).toBeGreaterThan(2);
    expect(result.links.length).toBeGreaterThan(0);
    const ids = new Set(result.concepts.map((c) => c.id));
    expect(result.links.every((link) => ids.has(link.source))).toBe(true);
  });

  it('a search naming two concepts or more keeps to them', async () => {
    const text = 'SARS coronavirus entry into cells';
    const result = await searchGraph(createGraphReads(store, questionConcepts), text, null, 20);
    expect(result.concepts.length).toBeGreaterThanOrEqual(2);
    expect(result.concepts.filter((c) => !named(c, text)).map((c) => c.name)).toEqual([]);
  });
});
