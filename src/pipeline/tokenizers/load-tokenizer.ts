import { failIn, isObject, readTokenizerFiles, typeOf } from './tokenizer-files.js';
import { SubwordTokenizer } from './subword-tokenizer.js';
import type { Tokenizer } from './tokenizer.js';
import { WordPieceTokenizer } from './wordpiece-tokenizer.js';

/**
 * The tokenizer of a model folder: tokenizer.json (with tokenizer_config.json) by its model type, or a
 * BERT vocab.txt with tokenizer_config.json.
 */
export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const files = await readTokenizerFiles(dir);
  if (!files.tokenizerJson) return WordPieceTokenizer.fromFiles(files);
  const fail = failIn(files.tokenizerJsonPath);
  const model = isObject(files.tokenizerJson.model) ? files.tokenizerJson.model : fail('"model" is missing');
  switch (model.type) {
    case 'WordPiece':
      return WordPieceTokenizer.fromFiles(files);
    case 'BPE':
    case 'Unigram':
      return SubwordTokenizer.fromFiles(files);
    default:
      return fail(`model type ${typeOf(model)} is not supported (WordPiece, BPE, Unigram)`);
  }
}
