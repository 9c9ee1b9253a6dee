/**
 * Generated models of every QA family (tiny presets): each loads in onnxruntime with the input signature its
 * family's ONNX exports have, carries exactly the parameters of its architecture (ALBERT's shared layer once),
 * ignores padding, and gives an int8 variant close to it. DeBERTa's relative position buckets are checked against
 * make_log_bucket_position itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relativePositionBuckets } from '../src/model-generator/deberta-v2-qa-graph.js';
import { sequenceLength } from '../src/model-generator/encoder-blocks.js';
import { GraphBuilder } from '../src/model-generator/onnx-graph.js';
import { writeOnnxModel } from '../src/model-generator/onnx-writer.js';
import { parameterCount, PRESETS, type PresetName, type QaModelShape } from '../src/model-generator/presets.js';
import { assembleBatch } from '../src/pipeline/assemble.js';
import { ONNX_FILES } from '../src/pipeline/model-dir.js';
import { loadTokenizer } from '../src/pipeline/tokenizers/load-tokenizer.js';
import type { Tokenizer } from '../src/pipeline/tokenizers/tokenizer.js';
import { temporaryDir } from './support/cli.js';
import { generateModel } from './support/model.js';

interface Family {
  preset: PresetName;
  modelType: string;
  inputs: string[];
}

const WITH_TYPES = ['input_ids', 'attention_mask', 'token_type_ids'];
const WITHOUT_TYPES = ['input_ids', 'attention_mask'];
const FAMILIES: Family[] = [
  { preset: 'bert-tiny', modelType: 'bert', inputs: WITH_TYPES },
  { preset: 'distilbert-tiny', modelType: 'distilbert', inputs: WITHOUT_TYPES },
  { preset: 'roberta-tiny', modelType: 'roberta', inputs: WITHOUT_TYPES },
  { preset: 'xlm-roberta-tiny', modelType: 'xlm-roberta', inputs: WITHOUT_TYPES },
  { preset: 'albert-tiny', modelType: 'albert', inputs: WITH_TYPES },
  { preset: 'electra-tiny', modelType: 'electra', inputs: WITH_TYPES },
  { preset: 'deberta-v3-tiny', modelType: 'deberta-v2', inputs: WITHOUT_TYPES },
];

const QUESTION = 'What is the incubation period of the novel coronavirus?';
const CONTEXTS = [
  'The median incubation period was estimated to be 5.2 days (95% CI, 4.1 to 7.0), with the 95th percentile of the distribution at 12.5 days.',
  'Patients with fever and a dry cough were admitted to the hospital in January.',
  'SARS-CoV-2 binds ACE2.',
];

type Feeds = Record<string, ort.Tensor>;

/** The question against each context, laid out by the family's tokenizer and padded to the longest (or one row alone). */
function feeds(tokenizer: Tokenizer, contexts: string[], inputs: string[], padding: 'pad' | 'odd' = 'pad'): { feeds: Feeds; lengths: number[]; sequenceLength: number } {
  const question = tokenizer.tokenize(QUESTION).ids;
  const batch = assembleBatch(
    contexts.map((c) => ({ question, context: tokenizer.tokenize(c).ids })),
    { layout: tokenizer.pairLayout, maxSequenceLength: tokenizer.maxSequenceLength, maxQuestionTokens: 64 },
  );
  const dims = [batch.batchSize, batch.sequenceLength];
  // Padding with an id other than the pad id: only the attention mask may hide it.
  if (padding === 'odd') batch.inputIds.forEach((_, i) => batch.attentionMask[i] === 0n && (batch.inputIds[i] = 5n));
  const all: Feeds = {
    input_ids: new ort.Tensor('int64', batch.inputIds, dims),
    attention_mask: new ort.Tensor('int64', batch.attentionMask, dims),
    token_type_ids: new ort.Tensor('int64', batch.tokenTypeIds, dims),
  };
  const lengths = batch.rows.map((_, r) => Array.from(batch.attentionMask.subarray(r * batch.sequenceLength, (r + 1) * batch.sequenceLength)).filter((m) => m === 1n).length);
  return { feeds: Object.fromEntries(inputs.map((name) => [name, all[name]])), lengths, sequenceLength: batch.sequenceLength };
}

function rowLogits(out: ort.InferenceSession.OnnxValueMapType, name: string, row: number, stride: number, length: number): number[] {
  return Array.from((out[name].data as Float32Array).subarray(row * stride, row * stride + length));
}

function maxAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

/** Elements of the fp32 initializers named as parameters (…weight, …bias), read back from the .onnx file. */
function storedParameters(path: string): number {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(path));
  return model.graph!.initializer!.filter((t) => /\.(weight|bias)$/.test(t.name!) && t.dataType === 1).reduce((n, t) => n + t.dims!.reduce((m, d) => m * Number(d), 1), 0);
}

describe.each(FAMILIES)('generated $preset model', ({ preset, modelType, inputs }) => {
  let dir: string;
  let tokenizer: Tokenizer;
  let fp32: ort.InferenceSession;
  let int8: ort.InferenceSession;
  let config: Record<string, any>;

  beforeAll(async () => {
    dir = generateModel(preset);
    tokenizer = await loadTokenizer(dir);
    config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    fp32 = await ort.InferenceSession.create(join(dir, ONNX_FILES.fp32), { intraOpNumThreads: 1 });
    int8 = await ort.InferenceSession.create(join(dir, ONNX_FILES.int8), { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await Promise.all([fp32?.release(), int8?.release()]);
  });

  it('has the family config and the input and output names of its ONNX exports', () => {
    expect(config).toMatchObject({ model_type: modelType, kgqa_generated: true, kgqa_preset: preset });
    expect(fp32.inputNames).toEqual(inputs);
    expect(int8.inputNames).toEqual(inputs);
    expect(fp32.outputNames).toEqual(['start_logits', 'end_logits']);
    // Positions (RoBERTa, XLM-R) and padding are numbered from the tokenizer's pad id.
    expect(config.pad_token_id).toBe(tokenizer.pairLayout.padId);
  });

  it("stores exactly its architecture's parameters, and a vocabulary covering the tokenizer's ids", () => {
    const shape: QaModelShape = { ...PRESETS[preset], vocabSize: config.vocab_size };
    expect(storedParameters(join(dir, ONNX_FILES.fp32))).toBe(parameterCount(shape));
    const ids = CONTEXTS.flatMap((c) => tokenizer.tokenize(c).ids);
    expect(Math.max(...ids)).toBeLessThan(config.vocab_size);
  });

  it('ignores padding: real-token logits match the unpadded run, whatever the pad ids are', async () => {
    const padded = feeds(tokenizer, CONTEXTS, inputs);
    expect(new Set(padded.lengths).size).toBe(CONTEXTS.length); // rows of different lengths, so padding is real
    const [out, odd] = [await fp32.run(padded.feeds), await fp32.run(feeds(tokenizer, CONTEXTS, inputs, 'odd').feeds)];
    for (const [row, context] of CONTEXTS.entries()) {
      const length = padded.lengths[row];
      const alone = await fp32.run(feeds(tokenizer, [context], inputs).feeds);
      for (const name of ['start_logits', 'end_logits']) {
        const expected = rowLogits(alone, name, 0, length, length);
        expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(1);
        expect(maxAbsDiff(rowLogits(out, name, row, padded.sequenceLength, length), expected)).toBeLessThan(1e-4);
        expect(maxAbsDiff(rowLogits(odd, name, row, padded.sequenceLength, length), expected)).toBeLessThan(1e-4);
      }
    }
  });

  it('has an int8 variant whose logits stay close to fp32', async () => {
    const { feeds: input, lengths, sequenceLength } = feeds(tokenizer, CONTEXTS, inputs);
    const [a, q] = [await fp32.run(input), await int8.run(input)];
    let worst = 0;
    for (const [row, length] of lengths.entries()) {
      for (const name of ['start_logits', 'end_logits']) worst = Math.max(worst, maxAbsDiff(rowLogits(a, name, row, sequenceLength, length), rowLogits(q, name, row, sequenceLength, length)));
    }
    expect(worst).toBeGreaterThan(0); // really quantized
    expect(worst).toBeLessThan(0.3);
  });
});

describe('DeBERTa relative positions', () => {
  /** make_log_bucket_position(q - k) of Hugging Face's modeling_deberta_v2, in float32 as torch computes it. */
  function bucket(relative: number, buckets: number, maxPosition: number): number {
    const f = Math.fround;
    const mid = Math.floor(buckets / 2);
    const abs = relative < mid && relative > -mid ? mid - 1 : Math.abs(relative);
    const logPosition = f(Math.ceil(f(f(f(Math.log(f(abs / mid))) / f(Math.log(f((maxPosition - 1) / mid)))) * (mid - 1))) + mid);
    return abs <= mid ? relative : Math.trunc(logPosition * Math.sign(relative));
  }

  it.each([
    [8, 512, 40],
    [256, 512, 300],
  ])('buckets %i of max position %i over %i tokens: as make_log_bucket_position', async (buckets, maxPosition, length) => {
    const g = new GraphBuilder('buckets');
    const ids = g.addInput('input_ids', 'int64', ['batch_size', 'sequence_length']);
    g.op1('Identity', [relativePositionBuckets(g, 'rel', sequenceLength(g, 'rel', ids), buckets, maxPosition)], { output: 'buckets' });
    g.addOutput('buckets', 'int64', ['sequence_length', 'sequence_length']);
    const path = join(temporaryDir(), 'buckets.onnx');
    writeOnnxModel(path, g, { irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'test', producerVersion: '1' });
    const session = await ort.InferenceSession.create(path);
    const out = await session.run({ input_ids: new ort.Tensor('int64', new BigInt64Array(length), [1, length]) });
    const got = Array.from(out.buckets.data as BigInt64Array, Number);
    const expected = Array.from({ length: length * length }, (_, k) => bucket(Math.floor(k / length) - (k % length), buckets, maxPosition));
    expect(got).toEqual(expected);
    // Far distances really are log-bucketed (fewer distinct values than distances), near ones kept exact.
    expect(new Set(got).size).toBeLessThan(2 * length - 1);
    expect(got[1]).toBe(-1);
    await session.release();
  });
});
