/**
 * tokenizer.json pre-tokenizers for BPE and Unigram models, as transformers.js applies them, keeping where each
 * pre-token lies in the normalized text: splitters (WhitespaceSplit, Whitespace, Punctuation, Digits) and at
 * most one final transform (Metaspace: spaces to "▁" and a prepended "▁"; ByteLevel: GPT-2 split and bytes).
 */
import { BYTE_CHARS, GPT2_SPLIT } from './byte-level.js';
import { isObject, typeOf, type Fail } from './tokenizer-files.js';

/** What the model segments, and where it came from. */
export interface PreToken {
  text: string;
  /** Normalized unit where it begins. */
  base: number;
  /** Leading units of `text` that were inserted (a prepended "▁" or space): they cover no input. */
  prefix: number;
  /**
   * Byte-level text of non-ASCII: per byte after the prefix, the normalized unit its char starts at. null when
   * unit k (k >= prefix) is normalized unit base + k - prefix.
   */
  byteStarts: Int32Array | null;
}

export interface PreTokenizer {
  /** Appends the pre-tokens of normalized[from, to); sectionIndex counts added-token sections (Metaspace "first"). */
  preTokenize(normalized: string, from: number, to: number, sectionIndex: number, out: PreToken[]): void;
}

type Range = [number, number];
type Splitter = (text: string, from: number, to: number, out: Range[]) => void;
type Transform = (text: string, from: number, to: number, sectionIndex: number, out: PreToken[]) => void;

const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const encoder = new TextEncoder();
const ASCII = /^[\x00-\x7F]*$/;

export function createPreTokenizer(json: unknown, fail: Fail): PreTokenizer {
  const splitters: Splitter[] = [];
  let transform: Transform | null = null;
  const add = (component: unknown): void => {
    if (!isObject(component)) return void fail('"pre_tokenizer" must be an object');
    if (component.type === 'Sequence') {
      for (const inner of Array.isArray(component.pretokenizers) ? component.pretokenizers : []) add(inner);
      return;
    }
    if (transform) fail(`pre_tokenizer ${typeOf(component)} after Metaspace or ByteLevel is not supported`);
    switch (component.type) {
      case 'WhitespaceSplit':
        return void splitters.push(matches(/\S+/g));
      case 'Whitespace':
        return void splitters.push(matches(/\w+|[^\w\s]+/g));
      case 'Punctuation':
        return void splitters.push(matches(new RegExp(`[^${PUNCTUATION}]+|[${PUNCTUATION}]+`, 'gu')));
      case 'Digits':
        return void splitters.push(matches(new RegExp(`[^\\d]+|\\d${component.individual_digits === true ? '' : '+'}`, 'gu')));
      case 'Metaspace':
        transform = metaspace(component, fail);
        return;
      case 'ByteLevel':
        transform = byteLevel(component.add_prefix_space === true, component.use_regex !== false);
        return;
      default:
        fail(`pre_tokenizer ${typeOf(component)} is not supported with BPE or Unigram models`);
    }
  };
  if (json !== null && json !== undefined) add(json);
  const finish: Transform = transform ?? ((_text, from, to, _index, out) => void out.push({ text: _text.slice(from, to), base: from, prefix: 0, byteStarts: null }));
  return {
    preTokenize(text, from, to, sectionIndex, out) {
      let ranges: Range[] = [[from, to]];
      for (const split of splitters) {
        const next: Range[] = [];
        for (const [start, end] of ranges) split(text, start, end, next);
        ranges = next;
      }
      for (const [start, end] of ranges) finish(text, start, end, sectionIndex, out);
    },
  };
}

function matches(pattern: RegExp): Splitter {
  return (text, from, to, out) => {
    for (const match of text.slice(from, to).matchAll(pattern)) {
      if (match[0].length > 0) out.push([from + match.index, from + match.index + match[0].length]);
    }
  };
}

/**
 * Spaces become the replacement ("▁"), which is also prepended unless already there (prepend_scheme "always",
 * or "first" for the first section). transformers.js does not split on it, whatever "split" says.
 */
function metaspace(component: Record<string, unknown>, fail: Fail): Transform {
  const replacement = typeof component.replacement === 'string' ? component.replacement : '\u2581';
  const written = typeof component.str_rep === 'string' && component.str_rep !== '' ? component.str_rep : replacement;
  if (written.length !== 1) fail(`pre_tokenizer Metaspace replacement ${JSON.stringify(written)} must be one UTF-16 unit`);
  const scheme = typeof component.prepend_scheme === 'string' ? component.prepend_scheme : 'always';
  return (text, from, to, sectionIndex, out) => {
    const replaced = text.slice(from, to).replaceAll(' ', written);
    const prepend = !replaced.startsWith(replacement) && (scheme === 'always' || (scheme === 'first' && sectionIndex === 0));
    out.push({ text: prepend ? written + replaced : replaced, base: from, prefix: prepend ? 1 : 0, byteStarts: null });
  };
}

/** A space is prepended when asked for and missing; then GPT-2's split (if use_regex) and bytes as chars. */
function byteLevel(addPrefixSpace: boolean, useRegex: boolean): Transform {
  return (text, from, to, _sectionIndex, out) => {
    const slice = text.slice(from, to);
    const prefixed = addPrefixSpace && !slice.startsWith(' ');
    const full = prefixed ? ' ' + slice : slice;
    const pieces = useRegex ? full.matchAll(GPT2_SPLIT) : [Object.assign([full], { index: 0 })];
    for (const match of pieces) {
      const word = match[0];
      const prefix = prefixed && match.index === 0 ? 1 : 0;
      // Where the word's first char after any prepended space lies in the normalized text.
      const base = from + match.index + prefix - (prefixed ? 1 : 0);
      if (ASCII.test(word)) {
        let chars = '';
        for (let i = 0; i < word.length; i++) chars += BYTE_CHARS[word.charCodeAt(i)];
        out.push({ text: chars, base, prefix, byteStarts: null });
        continue;
      }
      let chars = prefix ? BYTE_CHARS[0x20] : '';
      const byteStarts: number[] = [];
      for (let i = prefix; i < word.length; ) {
        const width = word.codePointAt(i)! > 0xffff ? 2 : 1;
        for (const byte of encoder.encode(word.slice(i, i + width))) {
          chars += BYTE_CHARS[byte];
          byteStarts.push(base + i - prefix);
        }
        i += width;
      }
      out.push({ text: chars, base, prefix, byteStarts: Int32Array.from(byteStarts) });
    }
  };
}
