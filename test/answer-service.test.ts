import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../src/cli/ingest-command.js';
import { passageOf, type PassageRecord } from '../src/domain.js';
import { ingestDocuments } from '../src/ingest/ingest.js';
import { AnswerService } from '../src/pipeline/answer-service.js';
import { normalizeQuestion } from '../src/pipeline/question.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { QaReader } from '../src/pipeline/reader.js';
import { MemoryAnswerCache } from '../src/store/memory-answer-cache.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { repoRoot } from './support/cli.js';
import { generateTinyModel } from './support/model.js';

describe('AnswerService', () => {
  let store: SqliteStore;
  let reader: QaReader;
  let keys: string[];
  /** The first six sentences as three passages of two. */
  let passages: PassageRecord[];

  beforeAll(async () => {
    reader = await loadQaReader(generateTinyModel(), { intraOpThreads: 1 });
    store = await SqliteStore.open();
    // Ingested without a tokenizer: the service must tokenize on first use and store the tokens.
    await ingestDocuments(store, await readInputs([join(repoRoot, 'seed', 'corpus')]), { vocabularies: [join(repoRoot, 'seed', 'vocabulary.tsv')] });
    const [page] = await store.articleSentences([{ articleId: 'seed-main-protease', page: { offset: 0, limit: 6 } }]);
    keys = page.items;
    const sentences = (await store.getSentences(keys)).map((s) => s!);
    passages = [0, 2, 4].map((i) => passageOf(sentences.slice(i, i + 2)));
  });
  afterAll(async () => {
    await reader?.close();
  });

  it('runs the model once for concurrent identical questions, then answers from the cache', async () => {
    const service = new AnswerService(store, reader, new MemoryAnswerCache());
    const question = normalizeQuestion('Which residues form the catalytic dyad?');
    const requests = passages.map((passage) => ({ question, passage }));
    expect((await store.getSentenceTokens(keys)).every((t) => t === null)).toBe(true);

    const [a, b] = await Promise.all([service.answer(requests), service.answer(requests)]);
    expect(service.timings.reads).toBe(1);
    expect(service.timings.rowsRead).toBe(passages.length);
    expect(a).toEqual(b);
    expect(a.every((r) => r.span !== null && !r.cached)).toBe(true);
    // Spans are offsets into the passage text (its sentences joined by a space).
    for (const [i, { span }] of a.entries()) expect(span!.end).toBeLessThanOrEqual(passages[i].text.length);
    const stored = await store.getSentenceTokens(keys);
    expect(stored.every((t) => t?.fingerprint === reader.tokenizer.fingerprint)).toBe(true);

    const again = await service.answer(requests);
    expect(service.timings.reads).toBe(1);
    expect(again.map((r) => r.cached)).toEqual(passages.map(() => true));
    expect(again.map((r) => r.span)).toEqual(a.map((r) => r.span));
  });

  it('reads a different question or a changed passage afresh, and keeps answers when other documents change', async () => {
    const service = new AnswerService(store, reader, new MemoryAnswerCache());
    const requests = (q: string, over = passages) => over.map((passage) => ({ question: normalizeQuestion(q), passage }));
    await service.answer(requests('What is the main protease?'));
    await service.answer(requests('Where does the protease cut?'));
    expect(service.timings.reads).toBe(2);
    // Another document arrives: these passages are what they were, so their answers still hold.
    await ingestDocuments(store, [{ document: { id: 'new-doc', title: 'New', year: 2020, paragraphs: ['The main protease is a dimer.'], origin: 'test' } }]);
    const afterIngest = await service.answer(requests('What is the main protease?'));
    expect(service.timings.reads).toBe(2);
    expect(afterIngest.every((r) => r.cached)).toBe(true);
    // A passage whose text changed (its article was replaced) is read again.
    const changed = passages.map((p, i) => (i === 0 ? passageOf(p.sentences.map((s) => ({ ...s, text: `${s.text} Revised.` }))) : p));
    const afterChange = await service.answer(requests('What is the main protease?', changed));
    expect(service.timings.reads).toBe(3);
    expect(afterChange.map((r) => r.cached)).toEqual([false, true, true]);
  });
});
