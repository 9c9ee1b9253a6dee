/** The tokenizer benchmark's and test's shared inputs: CORD-19 sentences, tokenizer files, transformers.js's tokenizer. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { splitSentences } from '../../src/ingest/sentences.js';
import { bertUncasedVocab, tokenizerConfigJson, tokenizerJson, vocabTxt } from '../../src/model-generator/tokenizer-files.js';
import { cord19Dir } from './cli.js';

interface Cord19Article {
  abstract?: { text: string }[];
  body_text?: { text: string }[];
}

/** Every sentence of every abstract and body paragraph of the CORD-19 sample. */
export function cord19Sentences(): string[] {
  const sentences: string[] = [];
  for (const name of readdirSync(cord19Dir).filter((file) => file.endsWith('.json')).sort()) {
    const article = JSON.parse(readFileSync(join(cord19Dir, name), 'utf8')) as Cord19Article;
    for (const paragraph of [...(article.abstract ?? []), ...(article.body_text ?? [])]) {
      sentences.push(...splitSentences(paragraph.text).map((sentence) => sentence.text));
    }
  }
  return sentences;
}

/** bert-base-uncased's tokenizer.json, vocab.txt and tokenizer_config.json, as the model generator writes them. */
export function writeUncasedTokenizerDir(dir: string): void {
  const vocab = bertUncasedVocab();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(join(dir, 'vocab.txt'), vocabTxt(vocab));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfigJson()));
}

/** transformers.js's tokenizer for a local directory, never the network. */
export async function transformersJsTokenizer(dir: string) {
  env.allowRemoteModels = false;
  env.localModelPath = dirname(dir) + '/';
  return AutoTokenizer.from_pretrained(basename(dir));
}
