/**
 * Our reader must score spans exactly as transformers.js's question-answering pipeline does: for every
 * (question, candidate) of the question set, the same best span, the same score, the same text.
 * transformers.js reads one pair at a time, unpadded; we ask through `ask` (as the resolver does), once with the
 * 20 candidates read as one padded batch (the most padding there can be), and again with the server's reader
 * settings, in batches of similar length with answers bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBatches } from '../src/pipeline/batch-plan.js';
import { normalizeQuestion } from '../src/pipeline/question.js';
import { loadQaReader } from '../src/pipeline/load-reader.js';
import { DEFAULT_MAX_ANSWER_TOKENS, QaReader, type ReadSpan } from '../src/pipeline/reader.js';
import type { TokenizedText } from '../src/pipeline/tokenizers/tokenizer.js';
import { createApp } from '../src/server/app.js';
import { askApp } from './support/ask.js';
import { ingestCord19Sample } from './support/cord19-sample.js';
import { generateTinyModel } from './support/model.js';
import { holdsAnswer, loadQuestionSet, type FactoidQuestion } from './support/question-set.js';
import { comparable, comparableAnswer, coveringTokens } from './support/spans.js';
import { loadTransformersQa, type TransformersQa, type TransformersQaAnswer } from './support/transformers-qa.js';

const CANDIDATES = 20;
// transformers.js has no answer length limit; 512 tokens is a whole sequence, so no limit either.
const UNBOUNDED = 512;

interface Pair {
  question: FactoidQuestion;
  sentenceText: string;
  /** The sentence holding the question's answer. */
  evidence: boolean;
  sentence: TokenizedText;
  ours: ReadSpan | null;
  bounded: ReadSpan | null;
  theirs: TransformersQaAnswer;
}

/** The text of a span's tokens other than the unknown token. */
function knownText(text: string, tokens: TokenizedText, span: { first: number; last: number }, unknownId: number): string {
  let known = '';
  for (let i = span.first; i <= span.last; i++) if (tokens.ids[i] !== unknownId) known += text.slice(tokens.offsets[2 * i], tokens.offsets[2 * i + 1]);
  return known;
}

describe('QA span scoring matches transformers.js (tiny model, CORD-19 question set)', () => {
  let reader: QaReader;
  let boundedReader: QaReader;
  let reference: TransformersQa;
  const pairs: Pair[] = [];
  const questions = loadQuestionSet();
  let unknownId: number;

  beforeAll(async () => {
    const dir = generateTinyModel();
    // An infinite run cost: never split, so every row is padded to the longest of the 20.
    reader = await loadQaReader(dir, { maxAnswerTokens: UNBOUNDED, intraOpThreads: 1, runCostTokens: Infinity });
    boundedReader = await loadQaReader(dir, { intraOpThreads: 1 });
    reference = await loadTransformersQa(dir, { threads: 1 });
    unknownId = reader.tokenizer.tokenize('[UNK]').ids[0];
    const store = await ingestCord19Sample();
    // Each question asked as the resolver asks it, every candidate's answer returned: by the reader with the
    // server's defaults, and by one reading all 20 candidates as one padded batch with answers unbounded.
    const apps = [reader, boundedReader].map((r) => createApp({ store, reader: r, candidates: CANDIDATES }));
    for (const question of questions) {
      const [ours, bounded] = await Promise.all(apps.map((app) => askApp(app, question.question)));
      expect(bounded.candidates.map((c) => c.key)).toEqual(ours.candidates.map((c) => c.key));
      const spans = (answers: typeof ours.answers) => new Map<string, ReadSpan>(answers.map((a) => [a.passage.key, a]));
      const [oursByKey, boundedByKey] = [spans(ours.answers), spans(bounded.answers)];
      for (const candidate of ours.candidates) {
        // The reader reads the normalized question, so transformers.js reads it too.
        const theirs = await reference.answer(normalizeQuestion(question.question), candidate.text);
        pairs.push({
          question,
          sentenceText: candidate.text,
          evidence: holdsAnswer(question, candidate),
          sentence: reader.tokenizer.tokenize(candidate.text),
          ours: oursByKey.get(candidate.key) ?? null,
          bounded: boundedByKey.get(candidate.key) ?? null,
          theirs,
        });
      }
    }
  });
  afterAll(async () => {
    await Promise.all([reader?.close(), boundedReader?.close(), reference?.dispose()]);
  });

  it('reads every candidate of the question set, the answering sentences included', () => {
    expect(questions).toHaveLength(30);
    // One question retrieves nothing at all (see bench/recall.ts), a few fewer than 20; about 600 pairs.
    expect(pairs.length).toBeGreaterThanOrEqual(550);
    // Parity on the sentences that matter, not only on distractors.
    expect(pairs.filter((p) => p.evidence).length).toBeGreaterThanOrEqual(25);
  });

  it('gives every pair the same best score as transformers.js, within 1e-4', () => {
    const wrong = pairs.filter((p) => !p.ours || Math.abs(p.ours.score - p.theirs.score) > 1e-4);
    expect(wrong.map((p) => ({ question: p.question.question, sentence: p.sentenceText, ours: p.ours?.score, theirs: p.theirs.score }))).toEqual([]);
  });

  it('picks the same span: the tokens it covers decode to transformers.js answer, and so does its text', () => {
    const mismatches: unknown[] = [];
    for (const p of pairs) {
      const tokens = coveringTokens(p.sentence, p.ours!);
      const slice = p.sentenceText.slice(p.ours!.start, p.ours!.end);
      // Offsets are consistent: the span starts at a token's start and ends at a token's end.
      const decoded = tokens && reference.decode(p.sentence.ids.slice(tokens.first, tokens.last + 1));
      // transformers.js decodes without the unknown token ("∼200" is one [UNK] word): compare the text the rest covers.
      const known = tokens ? knownText(p.sentenceText, p.sentence, tokens, unknownId) : slice;
      if (decoded !== p.theirs.answer || comparable(known) !== comparableAnswer(p.theirs.answer)) {
        mismatches.push({ question: p.question.question, slice, decoded, theirs: p.theirs.answer });
      }
    }
    expect(mismatches).toEqual([]);
  });

  it(`bounds answers to ${DEFAULT_MAX_ANSWER_TOKENS} tokens by default, and otherwise finds the same best span (batched by length)`, () => {
    let longer = 0;
    for (const p of pairs) {
      const tokens = coveringTokens(p.sentence, p.bounded!);
      expect(tokens).not.toBeNull();
      expect(tokens!.last - tokens!.first + 1).toBeLessThanOrEqual(DEFAULT_MAX_ANSWER_TOKENS);
      const unbounded = coveringTokens(p.sentence, p.ours!)!;
      if (unbounded.last - unbounded.first + 1 <= DEFAULT_MAX_ANSWER_TOKENS) {
        expect([p.bounded!.start, p.bounded!.end]).toEqual([p.ours!.start, p.ours!.end]);
        // Read in another batch, so padded differently: equal up to float rounding.
        expect(Math.abs(p.bounded!.score - p.ours!.score)).toBeLessThan(1e-6);
      } else {
        longer++;
        expect(p.bounded!.score).toBeLessThanOrEqual(p.ours!.score);
      }
    }
    console.log(`qa parity: ${pairs.length} pairs; ${longer} best spans longer than ${DEFAULT_MAX_ANSWER_TOKENS} tokens when unbounded`);
    // Random weights make long best spans common, so the bound is really exercised.
    expect(longer).toBeGreaterThan(0);
  });
});

describe('planBatches (reading rows in batches of similar length)', () => {
  const padded = (lengths: number[], batches: number[][]) => batches.reduce((n, b) => n + b.length * Math.max(...b.map((i) => lengths[i])), 0);

  it('keeps every row exactly once, shortest first, and one batch when padding is cheaper than a run', () => {
    expect(planBatches([], 16)).toEqual([]);
    expect(planBatches([40, 42, 41], 16)).toEqual([[0, 2, 1]]);
    const lengths = [120, 30, 31, 118, 33, 29];
    const batches = planBatches(lengths, 16);
    expect(batches.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches).toEqual([[5, 1, 2, 4], [3, 0]]);
    expect(planBatches(lengths, Infinity)).toEqual([[5, 1, 2, 4, 3, 0]]);
  });

  it('finds the cheapest split: no plan of consecutive runs costs less', () => {
    const lengths = [57, 12, 90, 33, 34, 35, 200, 64, 66, 13];
    const cost = (batches: number[][], run: number) => padded(lengths, batches) + run * batches.length;
    for (const run of [0, 8, 64, 1000]) {
      const best = cost(planBatches(lengths, run), run);
      const sorted = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
      // Every way of cutting the sorted rows into consecutive batches (2^9 of them).
      for (let cuts = 0; cuts < 1 << (lengths.length - 1); cuts++) {
        const batches: number[][] = [[]];
        sorted.forEach((row, i) => {
          if (i > 0 && cuts & (1 << (i - 1))) batches.push([]);
          batches.at(-1)!.push(row);
        });
        expect(cost(batches, run)).toBeGreaterThanOrEqual(best);
      }
    }
  });
});
