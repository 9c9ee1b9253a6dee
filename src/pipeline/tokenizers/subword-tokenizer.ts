/**
 * Tokenizers whose model is byte-level BPE (RoBERTa, GPT-2 style) or Unigram (SentencePiece: XLM-R, ALBERT,
 * DeBERTa-v3), read from tokenizer.json. The pipeline is transformers.js's, step for step, so the ids are the
 * same: split the raw text on added tokens, normalize each stretch, split on normalized added tokens,
 * pre-tokenize, run the model, fuse runs of unknown tokens. Unlike transformers.js it keeps offsets.
 *
 * Offsets: a token covers the input chars its normalized units came from, without leading or trailing
 * whitespace (a "Ġ" or "▁" standing for a space) unless it is only whitespace. A "▁" or space that was prepended
 * covers nothing: a token that is only that gets an empty range where its pre-token starts. A byte-level token
 * holding some of the bytes of a char covers the whole char, so the tokens of one emoji or CJK char can share a
 * range (as the Rust tokenizers' offsets do).
 */
import { createHash } from 'node:crypto';
import { AddedTokenMatcher, forEachPart } from './added-tokens.js';
import { createNormalizer, type AlignedText, type TextNormalizer } from './aligned-normalizer.js';
import { BpeModel } from './bpe.js';
import { pairLayout } from './pair-layout.js';
import { createPreTokenizer, type PreToken, type PreTokenizer } from './pre-tokenizers.js';
import {
  addedTokensOf,
  failIn,
  isObject,
  maxSequenceLengthOf,
  tokenName,
  type AddedToken,
  type Fail,
  type JsonObject,
  type TokenizerFiles,
} from './tokenizer-files.js';
import { layoutIds, type PairLayout, type TokenizedText, type Tokenizer } from './tokenizer.js';
import { UnigramModel } from './unigram.js';

interface SubwordModel {
  /** Appends (id, start, end) triples, offsets in UTF-16 units of the pre-token's text. */
  encode(text: string, out: number[]): void;
}

const WHITESPACE = /\s/;

export class SubwordTokenizer implements Tokenizer {
  readonly fingerprint: string;
  readonly maxSequenceLength: number;
  readonly specialIds: ReadonlySet<number>;
  readonly pairLayout: PairLayout;
  readonly leadingSpaceChangesTokens = true;
  private readonly normalizer: TextNormalizer | null;
  private readonly preTokenizer: PreTokenizer;
  private readonly model: SubwordModel;
  /** The id a run of unknown tokens is fused into, or null when the model does not fuse them. */
  private readonly fusedUnkId: number | null;
  private readonly rawAddedTokens: AddedTokenMatcher | null;
  private readonly normalizedAddedTokens: AddedTokenMatcher | null;
  /** Added tokens by raw and normalized content: a whole stretch equal to one is that token. */
  private readonly wholeTokens: ReadonlyMap<string, number>;
  /** Model ids that an added token of the same (normalized) text replaces. */
  private readonly replacedIds: ReadonlyMap<number, number>;
  /** Reused between calls. */
  private readonly preTokens: PreToken[] = [];
  private readonly pieces: number[] = [];

  private constructor(files: TokenizerFiles) {
    const json = files.tokenizerJson!;
    const config = files.config ?? {};
    const fail = failIn(files.tokenizerJsonPath);
    const addedTokens = addedTokensOf(json.added_tokens, fail);
    this.normalizer = createNormalizer(json.normalizer, config, fail);
    this.preTokenizer = createPreTokenizer(json.pre_tokenizer, fail);
    const model = json.model as JsonObject;
    const { vocab, pieces } = modelVocab(model, fail);
    const ids = new Map(vocab);
    for (const token of addedTokens) ids.set(token.content, token.id);
    const idOf = (name: string | null, role: string): number => {
      const id = name === null ? undefined : ids.get(name);
      return id ?? fail(`${role} ${JSON.stringify(name)} is not in the vocabulary`);
    };
    if (model.type === 'BPE') {
      const unk = typeof model.unk_token === 'string' ? idOf(model.unk_token, 'model.unk_token') : null;
      this.model = new BpeModel({
        vocab: ids,
        merges: mergesOf(model.merges, fail),
        unkId: unk,
        byteFallback: model.byte_fallback === true,
        ignoreMerges: model.ignore_merges === true,
        continuingSubwordSuffix: typeof model.continuing_subword_suffix === 'string' ? model.continuing_subword_suffix : null,
        endOfWordSuffix: typeof model.end_of_word_suffix === 'string' && model.end_of_word_suffix !== '' ? model.end_of_word_suffix : null,
      });
      this.fusedUnkId = model.fuse_unk === true ? unk : null;
    } else {
      if (!Number.isInteger(model.unk_id) || (model.unk_id as number) < 0 || (model.unk_id as number) >= pieces!.length) fail('"model.unk_id" must be the index of a piece');
      this.model = new UnigramModel({ pieces: pieces!, unkId: model.unk_id as number, ids });
      // transformers.js fuses unknown Unigram tokens always.
      this.fusedUnkId = model.unk_id as number;
    }
    const normalizer = this.normalizer;
    const normalizedHere = (t: AddedToken) => t.normalized && normalizer !== null;
    this.rawAddedTokens = AddedTokenMatcher.of(addedTokens.filter((t) => !normalizedHere(t)));
    this.normalizedAddedTokens = AddedTokenMatcher.of(addedTokens.filter(normalizedHere), (t) => normalizer!.normalize(t.content));
    const wholeTokens = new Map<string, number>();
    const replacedIds = new Map<number, number>();
    for (const token of addedTokens) {
      const contents = normalizedHere(token) ? [token.content, normalizer!.normalize(token.content)] : [token.content];
      for (const content of contents) {
        wholeTokens.set(content, token.id);
        const modelId = ids.get(content);
        if (modelId !== undefined && modelId !== token.id) replacedIds.set(modelId, token.id);
      }
    }
    this.wholeTokens = wholeTokens;
    this.replacedIds = replacedIds;
    this.maxSequenceLength = maxSequenceLengthOf(config);
    // Padding is masked out, so any id does where a folder names no pad (or eos) token.
    const padName = tokenName(config, 'pad_token') ?? tokenName(config, 'eos_token');
    const padId = (padName !== null ? ids.get(padName) : undefined) ?? 0;
    this.pairLayout = pairLayout({ postProcessor: json.post_processor, config, padId, idOf: (token) => ids.get(token), fail });
    this.specialIds = new Set([...addedTokens.filter((t) => t.special).map((t) => t.id), ...layoutIds(this.pairLayout)]);
    this.fingerprint = fingerprintOf(json, config, addedTokens);
  }

  static fromFiles(files: TokenizerFiles): SubwordTokenizer {
    return new SubwordTokenizer(files);
  }

  tokenize(text: string): TokenizedText {
    const result: TokenizedText = { ids: [], offsets: [] };
    forEachPart(
      text,
      this.rawAddedTokens,
      (start, end, section) => this.tokenizeSection(text.slice(start, end), start, section, result),
      (id, start, end) => addToken(result, id, start, end),
    );
    return result;
  }

  private tokenizeSection(section: string, offset: number, index: number, result: TokenizedText): void {
    const whole = this.wholeTokens.get(section);
    if (whole !== undefined) return addToken(result, whole, offset, offset + section.length);
    const aligned = this.normalizer ? this.normalizer.normalizeAligned(section) : { text: section, starts: null, ends: null };
    forEachPart(
      aligned.text,
      this.normalizedAddedTokens,
      (start, end) => this.tokenizeSubsection(aligned, start, end, offset, index, result),
      (id, start, end) => addToken(result, id, offset + sourceStart(aligned, start), offset + sourceEnd(aligned, end)),
    );
  }

  private tokenizeSubsection(aligned: AlignedText, from: number, to: number, offset: number, index: number, result: TokenizedText): void {
    const normalized = aligned.text;
    const whole = this.wholeTokens.get(normalized.slice(from, to));
    if (whole !== undefined) return addToken(result, whole, offset + sourceStart(aligned, from), offset + sourceEnd(aligned, to));
    const preTokens = this.preTokens;
    const pieces = this.pieces;
    preTokens.length = 0;
    this.preTokenizer.preTokenize(normalized, from, to, index, preTokens);
    // Unknown runs are fused across the pre-tokens of a stretch, as transformers.js fuses its flat token list.
    let fusing = false;
    for (const preToken of preTokens) {
      pieces.length = 0;
      this.model.encode(preToken.text, pieces);
      for (let i = 0; i < pieces.length; i += 3) {
        const id = pieces[i];
        const [start, end] = normalizedSpan(preToken, pieces[i + 1], pieces[i + 2], normalized);
        const sourceFrom = offset + sourceStart(aligned, start);
        const sourceTo = start === end ? sourceFrom : offset + sourceEnd(aligned, end);
        if (id === this.fusedUnkId && fusing) {
          result.offsets[result.offsets.length - 1] = Math.max(result.offsets[result.offsets.length - 1], sourceTo);
          continue;
        }
        fusing = id === this.fusedUnkId;
        addToken(result, this.replacedIds.get(id) ?? id, sourceFrom, sourceTo);
      }
    }
  }
}

/**
 * The normalized [start, end) of the pre-token's units [a, b): prepended units dropped, and leading and
 * trailing whitespace too unless that is all there is.
 */
function normalizedSpan(preToken: PreToken, a: number, b: number, normalized: string): [number, number] {
  const { prefix, base, byteStarts } = preToken;
  const first = Math.max(a, prefix);
  if (first >= b) return [base, base];
  const unitAt = (k: number) => (byteStarts ? byteStarts[k - prefix] : base + k - prefix);
  let s = first;
  let e = b;
  while (s < e && WHITESPACE.test(normalized[unitAt(s)])) s++;
  while (e > s && WHITESPACE.test(normalized[unitAt(e - 1)])) e--;
  if (s === e) [s, e] = [first, b];
  const last = unitAt(e - 1);
  const lastEnd = byteStarts ? last + (normalized.codePointAt(last)! > 0xffff ? 2 : 1) : last + 1;
  return [unitAt(s), lastEnd];
}

function addToken(result: TokenizedText, id: number, start: number, end: number): void {
  result.ids.push(id);
  result.offsets.push(start, end);
}

/** Input offset where normalized unit `index` starts (the input's end for the normalized text's end). */
function sourceStart(aligned: AlignedText, index: number): number {
  if (!aligned.starts) return index;
  if (index < aligned.text.length) return aligned.starts[index];
  return aligned.text.length > 0 ? aligned.ends![aligned.text.length - 1] : 0;
}

/** Input offset where the normalized stretch ending before unit `end` ends. */
function sourceEnd(aligned: AlignedText, end: number): number {
  return aligned.ends ? aligned.ends[end - 1] : end;
}

function modelVocab(model: JsonObject, fail: Fail): { vocab: Map<string, number>; pieces: [string, number][] | null } {
  if (model.type === 'BPE') {
    if (!isObject(model.vocab)) return fail('"model.vocab" must be an object of token -> id');
    const vocab = new Map<string, number>();
    for (const [token, id] of Object.entries(model.vocab)) {
      if (!Number.isInteger(id)) fail(`"model.vocab" id of ${JSON.stringify(token)} is not an integer`);
      vocab.set(token, id as number);
    }
    return { vocab, pieces: null };
  }
  if (!Array.isArray(model.vocab)) return fail('"model.vocab" must be an array of [piece, score]');
  const pieces = model.vocab.map((entry: unknown, i): [string, number] => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') return fail(`"model.vocab"[${i}] must be [piece, score]`);
    return [entry[0], entry[1]];
  });
  return { vocab: new Map(pieces.map(([piece], id) => [piece, id])), pieces };
}

/** Merges as ["a", "b"] pairs (tokenizers >= 0.20) or "a b" strings, split as transformers.js splits them. */
function mergesOf(merges: unknown, fail: Fail): [string, string][] {
  if (!Array.isArray(merges)) return fail('"model.merges" must be an array');
  return merges.map((merge: unknown, i) => {
    if (typeof merge === 'string') {
      const [left, right] = merge.split(' ', 2);
      return [left, right ?? ''];
    }
    if (Array.isArray(merge) && merge.length === 2 && typeof merge[0] === 'string' && typeof merge[1] === 'string') return [merge[0], merge[1]];
    return fail(`"model.merges"[${i}] must be "a b" or ["a", "b"]`);
  });
}

/** Everything in the files that changes ids: normalizer, pre-tokenizer, model, added tokens, config settings. */
function fingerprintOf(json: JsonObject, config: JsonObject, addedTokens: readonly AddedToken[]): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ normalizer: json.normalizer ?? null, preTokenizer: json.pre_tokenizer ?? null }));
  hash.update(JSON.stringify({ removeSpace: config.remove_space === true, lowercaseAndRemoveAccent: config.do_lowercase_and_remove_accent === true }));
  hash.update(JSON.stringify(addedTokens.map((t) => [t.content, t.id, t.normalized, t.special, t.lstrip, t.rstrip])));
  hash.update(JSON.stringify(json.model));
  return hash.digest('hex').slice(0, 16);
}
