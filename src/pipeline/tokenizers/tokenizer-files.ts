/**
 * Reading a model folder's tokenizer files (tokenizer.json, tokenizer_config.json, vocab.txt) and the parts of
 * them every kind of tokenizer shares: added tokens, special token names, the model's sequence length.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type JsonObject = Record<string, unknown>;

/** Throws one clear line naming the file and what is wrong with it. */
export type Fail = (problem: string) => never;

export interface TokenizerFiles {
  dir: string;
  tokenizerJsonPath: string;
  /** null when the folder has no tokenizer.json. */
  tokenizerJson: JsonObject | null;
  configPath: string;
  config: JsonObject | null;
  vocabPath: string;
  /** vocab.txt, read only when there is no tokenizer.json. */
  vocabTxt: string | null;
}

/** A token matched verbatim before the model runs (tokenizer.json's added_tokens). */
export interface AddedToken {
  content: string;
  id: number;
  special: boolean;
  /** Matched in the normalized text rather than in the original. */
  normalized: boolean;
  /** Whitespace before (lstrip) or after (rstrip) it is dropped. */
  lstrip: boolean;
  rstrip: boolean;
}

const DEFAULT_MAX_SEQUENCE_LENGTH = 512;

export async function readTokenizerFiles(dir: string): Promise<TokenizerFiles> {
  const info = await stat(dir).catch(nullIfMissing);
  if (!info) throw new Error(`tokenizer directory ${dir} does not exist`);
  if (!info.isDirectory()) throw new Error(`tokenizer directory ${dir} is not a directory`);
  const configPath = join(dir, 'tokenizer_config.json');
  const tokenizerJsonPath = join(dir, 'tokenizer.json');
  const vocabPath = join(dir, 'vocab.txt');
  const [config, tokenizerJson] = await Promise.all([readJsonObject(configPath), readJsonObject(tokenizerJsonPath)]);
  const vocabTxt = tokenizerJson ? null : await readFile(vocabPath, 'utf8').catch(nullIfMissing);
  if (!tokenizerJson && vocabTxt === null) throw new Error(`tokenizer directory ${dir} has neither tokenizer.json nor vocab.txt`);
  return { dir, tokenizerJsonPath, tokenizerJson, configPath, config, vocabPath, vocabTxt };
}

export function failIn(path: string): Fail {
  return (problem) => {
    throw new Error(`${path}: ${problem}`);
  };
}

/** For a missing file: other errors (permissions, a directory in its place) still throw. */
function nullIfMissing(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}

async function readJsonObject(path: string): Promise<JsonObject | null> {
  const text = await readFile(path, 'utf8').catch(nullIfMissing);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: malformed JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new Error(`${path}: expected a JSON object`);
  return value;
}

export function addedTokensOf(value: unknown, fail: Fail): AddedToken[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail('"added_tokens" must be an array');
  return value.map((token: unknown, i) => {
    if (!isObject(token) || typeof token.content !== 'string' || !Number.isInteger(token.id)) {
      return fail(`added_tokens[${i}] needs a string "content" and an integer "id"`);
    }
    const special = token.special === true;
    return {
      content: token.content,
      id: token.id as number,
      special,
      normalized: typeof token.normalized === 'boolean' ? token.normalized : !special,
      lstrip: token.lstrip === true,
      rstrip: token.rstrip === true,
    };
  });
}

/** A special token's name in tokenizer_config.json, saved either as a string or as an AddedToken object. */
export function tokenName(config: JsonObject, key: string): string | null {
  const value = config[key];
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.content === 'string') return value.content;
  return null;
}

export function maxSequenceLengthOf(config: JsonObject): number {
  const length = config.model_max_length;
  // transformers saves int(1e30) when a model sets no limit; that is not a usable length.
  return Number.isSafeInteger(length) && (length as number) > 0 ? (length as number) : DEFAULT_MAX_SEQUENCE_LENGTH;
}

export function optional<T extends string | number | boolean>(
  value: unknown,
  type: 'string' | 'number' | 'boolean',
  fallback: T,
  name: string,
  fail: Fail,
): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== type) fail(`"${name}" must be a ${type}`);
  return value as T;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The "type" of a tokenizer.json component, for error messages. */
export function typeOf(component: unknown): string {
  return JSON.stringify(isObject(component) ? component.type : component);
}
