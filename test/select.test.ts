/** Span selection (src/pipeline/select.ts) on crafted logits, against a brute-force reading of its definition. */
import { describe, expect, it } from 'vitest';
import { bestSpan, type RowLayout, type SpanScores } from '../src/pipeline/select.js';
import { Rng } from './support/seeded-rng.js';

interface Row {
  start: number[];
  end: number[];
  layout: RowLayout;
  special: Set<number>;
}

/**
 * The definition, the slow way: softmax over [CLS] and the context's non-special positions, every span of allowed
 * positions up to `max` tokens scored start × end, listed by start then end and stably sorted by score.
 */
function bruteForce({ start, end, layout, special }: Row, max: number): SpanScores | null {
  const allowed = (i: number) => i >= layout.contextStart && i < layout.contextStart + layout.contextLength && !special.has(i);
  const softmax = (logits: number[]) => {
    const kept = logits.map((_, i) => i === 0 || allowed(i));
    const top = Math.max(...logits.filter((_, i) => kept[i]));
    const e = logits.map((x, i) => (kept[i] ? Math.exp(x - top) : 0));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  };
  const [ps, pe] = [softmax(start), softmax(end)];
  const spans: SpanScores[] = [];
  for (let i = 0; i < start.length; i++) {
    for (let j = i; j < start.length && j - i < max; j++) if (allowed(i) && allowed(j)) spans.push({ startToken: i, endToken: j, score: ps[i] * pe[j] });
  }
  return spans.sort((a, b) => b.score - a.score)[0] ?? null;
}

/** The rows laid out one after another in flat logits, as a batch is; `bestSpan` of row r. */
function selectAll(rows: Row[], max: number): (SpanScores | null)[] {
  const length = Math.max(...rows.map((r) => r.start.length));
  const flat = (pick: (r: Row) => number[]) => Float32Array.from(rows.flatMap((r) => [...pick(r), ...Array(length - r.start.length).fill(-1e4)]));
  const [start, end] = [flat((r) => r.start), flat((r) => r.end)];
  return rows.map((row, r) => bestSpan(start, end, r * length, length, row.layout, (i) => row.special.has(i), max));
}

function randomRow(rng: Rng, length: number): Row {
  const logits = () => Array.from({ length }, () => Math.fround((rng.next() - 0.5) * 16));
  const contextStart = rng.int(2, Math.max(2, Math.floor(length / 3)));
  const contextLength = rng.int(0, length - contextStart - 1);
  const special = new Set([0, contextStart - 1, contextStart + contextLength]);
  for (let i = contextStart; i < contextStart + contextLength; i++) if (rng.chance(0.1)) special.add(i);
  return { start: logits(), end: logits(), layout: { contextStart, contextLength }, special };
}

describe('bestSpan', () => {
  it('finds the span the definition finds, on every row of random batches', () => {
    const rng = new Rng(7);
    for (let batch = 0; batch < 40; batch++) {
      const rows = Array.from({ length: rng.int(1, 6) }, () => randomRow(rng, rng.int(4, 48)));
      for (const max of [1, 3, 30]) {
        const chosen = selectAll(rows, max);
        rows.forEach((row, r) => {
          // Logits are float32 in the batch, as onnxruntime returns them; the rows here already are.
          const expected = bruteForce(row, max);
          if (expected === null) return expect(chosen[r]).toBeNull();
          expect(chosen[r]).toMatchObject({ startToken: expected.startToken, endToken: expected.endToken });
          expect(chosen[r]!.score).toBeCloseTo(expected.score, 12);
        });
      }
    }
  });

  const row = (start: number[], end: number[], contextStart = 2, special: number[] = []): Row => ({
    start,
    end,
    layout: { contextStart, contextLength: start.length - contextStart - 1 },
    special: new Set([0, contextStart - 1, start.length - 1, ...special]),
  });

  it('keeps [CLS] in the softmax but never chooses it', () => {
    //            CLS  q  SEP  c   c   c  SEP
    const logits = [0, 0, 0, 1, 5, 1, 0];
    const [plain] = selectAll([row(logits, logits)], 30);
    const [loudCls] = selectAll([row([9, ...logits.slice(1)], [9, ...logits.slice(1)])], 30);
    expect(plain).toMatchObject({ startToken: 4, endToken: 4 });
    expect(loudCls).toMatchObject({ startToken: 4, endToken: 4 });
    expect(loudCls!.score).toBeLessThan(plain!.score / 10);
  });

  it('never chooses a special token inside the context, nor gives it probability', () => {
    const start = [0, 0, 0, 1, 9, 2, 0];
    const end = [0, 0, 0, 1, 9, 3, 0];
    const [chosen] = selectAll([row(start, end, 2, [4])], 30);
    expect(chosen).toMatchObject({ startToken: 5, endToken: 5 });
    expect(chosen!.score).toBeCloseTo(bruteForce(row(start, end, 2, [4]), 30)!.score, 12);
  });

  it('bounds the answer to maxAnswerTokens', () => {
    //  the best start is at 3 and the best end at 8: six tokens
    const start = [0, 0, 0, 8, 0, 0, 0, 0, 0, 0];
    const end = [0, 0, 0, 0, 0, 0, 0, 0, 8, 0];
    expect(selectAll([row(start, end)], 30)[0]).toMatchObject({ startToken: 3, endToken: 8 });
    const [bounded] = selectAll([row(start, end)], 2);
    expect(bounded!.endToken - bounded!.startToken + 1).toBeLessThanOrEqual(2);
  });

  it('breaks ties toward the earlier start, then the shorter span', () => {
    const flat = Array(8).fill(0);
    expect(selectAll([row(flat, flat)], 30)[0]).toMatchObject({ startToken: 2, endToken: 2 });
  });

  it('finds no span in a row without a readable context token', () => {
    const logits = [0, 1, 0, 2, 0];
    expect(selectAll([row(logits, logits, 2, [2, 3])], 30)).toEqual([null]);
    expect(selectAll([{ start: [0, 1, 0], end: [0, 1, 0], layout: { contextStart: 3, contextLength: 0 }, special: new Set([0, 2]) }], 30)).toEqual([null]);
  });
});
