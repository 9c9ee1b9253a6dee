/**
 * Long inputs: a question + passage longer than the model takes is read in windows with a stride, as Hugging
 * Face's question-answering pipeline does (doc_stride); transformers.js truncates instead, so what is held here are
 * Hugging Face's rules: every context token is read, consecutive windows share exactly the stride, the span is the
 * best of the windows' spans (each scored in its own window), the null score the lowest, and offsets map back into
 * the passage text. A passage that fits is read as one input, as before (the parity tests hold that to transformers.js).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextWindows, type AssembleOptions } from '../src/pipeline/assemble.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { normalizeQuestion } from '../src/pipeline/question.js';
import type { QaReader, ReadSpan } from '../src/pipeline/reader.js';
import { layoutLength, type TokenizedText } from '../src/pipeline/tokenizers/tokenizer.js';
import { generateModel } from './support/model.js';
import { Rng } from './support/seeded-rng.js';
import { cord19Sentences } from './support/tokenizer-fixtures.js';

const layout = { beforeQuestion: { ids: [101], typeIds: [0] }, questionTypeId: 0, betweenTexts: { ids: [102], typeIds: [0] }, contextTypeId: 1, afterContext: { ids: [102], typeIds: [1] }, padId: 0, tokenTypeIds: true };

describe('contextWindows', () => {
  it('covers every context token in windows that fit, start 0, end at the end, and overlap by exactly the stride', () => {
    const rng = new Rng(3);
    for (let n = 0; n < 2000; n++) {
      const options: AssembleOptions = { layout, maxSequenceLength: rng.int(8, 600), maxQuestionTokens: rng.int(1, 64) };
      const question = rng.int(1, 80);
      const length = rng.int(1, 3000);
      const stride = rng.int(0, 200);
      const windows = contextWindows(question, length, options, stride);
      const room = Math.max(1, options.maxSequenceLength - Math.min(question, options.maxQuestionTokens) - layoutLength(layout));
      expect(windows[0][0]).toBe(0);
      expect(windows.at(-1)![1]).toBe(length);
      if (length <= room) expect(windows).toEqual([[0, length]]);
      for (const [from, to] of windows) expect(to - from).toBeLessThanOrEqual(room);
      for (let i = 1; i < windows.length; i++) {
        expect(windows[i - 1][1] - windows[i][0]).toBe(Math.min(stride, Math.floor(room / 2)));
        expect(windows[i - 1][1]).toBeLessThan(windows[i][1]);
      }
    }
  });

  it("splits as Hugging Face's tokenizer does with return_overflowing_tokens and a stride", () => {
    // 10 context tokens, room 4 (max 8: [CLS] q [SEP] c [SEP] with one question token), stride 2.
    expect(contextWindows(1, 10, { layout, maxSequenceLength: 8, maxQuestionTokens: 64 }, 2)).toEqual([[0, 4], [2, 6], [4, 8], [6, 10]]);
    expect(contextWindows(1, 9, { layout, maxSequenceLength: 8, maxQuestionTokens: 64 }, 2)).toEqual([[0, 4], [2, 6], [4, 8], [6, 9]]);
  });
});

describe('the reader on passages longer than the model takes', () => {
  let reader: QaReader;
  const cases: { question: TokenizedText; passage: string; tokens: TokenizedText }[] = [];

  beforeAll(async () => {
    reader = await loadQaReader(generateModel('bert-tiny'), { intraOpThreads: 1, docStride: 128 });
    const sentences = cord19Sentences();
    const rng = new Rng(9);
    for (let n = 0; n < 6; n++) {
      const at = rng.int(0, sentences.length - 40);
      const passage = sentences.slice(at, at + rng.int(25, 40)).join(' ');
      cases.push({ question: reader.tokenizer.tokenize(normalizeQuestion('What is the structure of the main proteinase?')), passage, tokens: reader.tokenizer.tokenize(passage) });
    }
  });
  afterAll(async () => {
    await reader?.close();
  });

  it('reads every window: the span is the best of reading each window alone, the null score the lowest', async () => {
    const spans = await reader.read(cases.map((c) => ({ question: c.question, sentence: c.tokens })));
    let laterWindows = 0;
    for (const [i, c] of cases.entries()) {
      expect(c.tokens.ids.length).toBeGreaterThan(reader.tokenizer.maxSequenceLength);
      const options = { layout: reader.tokenizer.pairLayout, maxSequenceLength: reader.tokenizer.maxSequenceLength, maxQuestionTokens: 64 };
      const windows = contextWindows(c.question.ids.length, c.tokens.ids.length, options, 128);
      expect(windows.length).toBeGreaterThan(1);
      const alone = await reader.read(
        windows.map(([from, to]) => ({ question: c.question, sentence: { ids: c.tokens.ids.slice(from, to), offsets: c.tokens.offsets.slice(2 * from, 2 * to) } })),
      );
      const best = alone.reduce<ReadSpan | null>((held, span) => (span && (!held || span.score > held.score) ? span : held), null)!;
      expect(spans[i]).toMatchObject({ start: best.start, end: best.end });
      expect(spans[i]!.score).toBeCloseTo(best.score, 6);
      expect(spans[i]!.nullScore).toBeCloseTo(Math.min(...alone.map((s) => s!.nullScore)), 6);
      expect(spans[i]!.end).toBeLessThanOrEqual(c.passage.length);
      expect(c.passage.slice(spans[i]!.start, spans[i]!.end).trim().length).toBeGreaterThan(0);
      if (best !== alone[0]) laterWindows++;
    }
    // Truncating would only ever find spans in the first window.
    expect(laterWindows).toBeGreaterThan(0);
  });
});
