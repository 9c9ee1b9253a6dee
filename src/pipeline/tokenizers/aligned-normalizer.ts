/**
 * tokenizer.json normalizers for BPE and Unigram tokenizers, giving exactly the string transformers.js gives
 * plus, for every normalized UTF-16 unit, the [start, end) of the input it came from.
 *
 * transformers.js semantics are followed where they differ from the Rust tokenizers: Precompiled ignores its
 * charsmap and applies NFKC (keeping U+FF5E) after dropping control chars and mapping odd spaces to ' '.
 */
import type { AlignedText } from './bert-normalizer.js';
import { isObject, typeOf, type Fail, type JsonObject } from './tokenizer-files.js';

export type { AlignedText } from './bert-normalizer.js';

export interface TextNormalizer {
  normalize(text: string): string;
  normalizeAligned(text: string): AlignedText;
}

/** starts/ends null: unit i came from input unit i. */
type Aligned = AlignedText;

interface Step {
  apply(text: string): string;
  align(input: Aligned): Aligned;
}

// transformers.js's Precompiled: these are dropped, those become ' ', then NFKC except for U+FF5E.
const PRECOMPILED_REMOVED = /[\u0001-\u0008\u000B\u000E-\u001F\u007F\u008F\u009F]/gu;
const PRECOMPILED_SPACES = /[\u0009\u000A\u000C\u000D\u00A0\u1680\u2000-\u200F\u2028\u2029\u202F\u205F\u2581\u3000\uFEFF\uFFFD]/gu;
const WAVE_DASH = '\uFF5E';
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
/**
 * A char that composes with the one before it under NFC/NFKC, so it is normalized together with it: combining
 * marks, Hangul medial and final jamo, halfwidth (semi-)voiced sound marks. Nothing composes with whitespace.
 */
const JOINS_PREVIOUS = /[\p{M}\u1160-\u11FF\uD7B0-\uD7FF\uFF9E\uFF9F]/u;
const WHITESPACE_CHAR = /\s/;
const MAX_CACHED_CLUSTERS = 65_536;

/** The normalizer a tokenizer.json describes (null for none), with remove_space / do_lowercase_and_remove_accent first. */
export function createNormalizer(json: unknown, config: JsonObject, fail: Fail): TextNormalizer | null {
  const steps: Step[] = [];
  // transformers.js applies these tokenizer_config.json settings before the normalizer.
  if (config.remove_space === true) steps.push(replaceStep(/^\s+|\s+$/gu, ''), replaceStep(/\s+/gu, ' '));
  if (config.do_lowercase_and_remove_accent === true) steps.push(localStep((s) => s.toLowerCase(), 'lowercase'), replaceStep(/\p{M}/gu, ''));
  if (json !== null && json !== undefined) steps.push(...stepsOf(json, fail));
  return steps.length === 0 ? null : new StepNormalizer(steps);
}

function stepsOf(json: unknown, fail: Fail): Step[] {
  if (!isObject(json)) return fail('"normalizer" must be an object');
  switch (json.type) {
    case 'Sequence':
      return (Array.isArray(json.normalizers) ? json.normalizers : []).flatMap((n) => stepsOf(n, fail));
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = json.type;
      return [localStep((s) => s.normalize(form), 'unicode')];
    }
    case 'Lowercase':
      return [localStep((s) => s.toLowerCase(), 'lowercase')];
    case 'StripAccents':
      return [replaceStep(/\p{M}/gu, '')];
    case 'Strip': {
      const steps: Step[] = [];
      if (json.strip_left === true) steps.push(replaceStep(/^\s+/gu, ''));
      if (json.strip_right === true) steps.push(replaceStep(/\s+$/gu, ''));
      return steps;
    }
    case 'Replace':
      return [replaceStep(replacePattern(json.pattern, fail), typeof json.content === 'string' ? json.content : '')];
    case 'Prepend':
      return [prependStep(typeof json.prepend === 'string' ? json.prepend : '')];
    case 'Precompiled':
      return [
        replaceStep(PRECOMPILED_REMOVED, ''),
        replaceStep(PRECOMPILED_SPACES, ' '),
        localStep((s) => (s.includes(WAVE_DASH) ? s.split(WAVE_DASH).map((part) => part.normalize('NFKC')).join(WAVE_DASH) : s.normalize('NFKC')), 'unicode'),
      ];
    default:
      return fail(`normalizer ${typeOf(json)} is not supported with BPE or Unigram models`);
  }
}

/** A Replace pattern: a literal string, or a regex (tokenizers writes Oniguruma; plain ones mean the same in JS). */
function replacePattern(pattern: unknown, fail: Fail): RegExp {
  if (isObject(pattern) && typeof pattern.String === 'string') return new RegExp(pattern.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
  if (isObject(pattern) && typeof pattern.Regex === 'string') {
    try {
      return new RegExp(pattern.Regex, 'gu');
    } catch {
      return fail(`normalizer Replace pattern ${JSON.stringify(pattern.Regex)} is not a regex JavaScript reads the same way`);
    }
  }
  return fail('normalizer Replace needs a "pattern" with "String" or "Regex"');
}

class StepNormalizer implements TextNormalizer {
  constructor(private readonly steps: readonly Step[]) {}

  normalize(text: string): string {
    for (const step of this.steps) text = step.apply(text);
    return text;
  }

  normalizeAligned(text: string): AlignedText {
    let aligned: Aligned = { text, starts: null, ends: null };
    for (const step of this.steps) aligned = step.align(aligned);
    return aligned;
  }
}

function sourceStart(input: Aligned, unit: number): number {
  if (unit >= input.text.length) return input.ends ? (input.text.length > 0 ? input.ends[input.text.length - 1] : 0) : input.text.length;
  return input.starts ? input.starts[unit] : unit;
}

function sourceEnd(input: Aligned, unit: number): number {
  return input.ends ? input.ends[unit] : unit + 1;
}

/** Collects output units with their source ranges. */
class AlignedBuilder {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** `units` output units all coming from source [start, end). */
  push(units: number, start: number, end: number): void {
    for (let k = 0; k < units; k++) {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  /** Dropped input stays inside the span of the output unit before it. */
  extendLast(end: number): void {
    if (this.ends.length > 0) this.ends[this.ends.length - 1] = Math.max(this.ends[this.ends.length - 1], end);
  }

  build(text: string): Aligned {
    if (this.starts.length !== text.length) throw new Error(`normalizer alignment: ${this.starts.length} units for ${text.length}`);
    return { text, starts: Int32Array.from(this.starts), ends: Int32Array.from(this.ends) };
  }
}

/**
 * A normalization computed on the whole string that changes text only locally (Unicode forms, lowercasing).
 * Each cluster (a char with the marks composing with it) is normalized on its own to learn where output units
 * come from; when that does not add up to the whole-string result (final sigma, compositions across clusters)
 * the words between spaces are, and failing that the whole text maps onto the whole input.
 */
function localStep(f: (text: string) => string, kind: 'unicode' | 'lowercase'): Step {
  const cache = new Map<string, string>();
  const cached = (piece: string): string => {
    let result = cache.get(piece);
    if (result === undefined) {
      result = f(piece);
      if (cache.size < MAX_CACHED_CLUSTERS) cache.set(piece, result);
    }
    return result;
  };
  return {
    apply: f,
    align(input) {
      const text = f(input.text);
      if (input.text.length === 0) return { ...input, text };
      if (PRINTABLE_ASCII.test(input.text)) {
        // Unicode forms leave printable ASCII alone; lowercasing it maps unit to unit.
        return kind === 'unicode' ? input : { ...input, text };
      }
      // Lowercasing a sigma alone gives σ where the whole word gives final ς: same length, so the same alignment.
      const comparable = kind === 'lowercase' ? (s: string) => s.replaceAll('ς', 'σ') : (s: string) => s;
      for (const split of [splitClusters, splitWords]) {
        const pieces = split(input.text);
        if (comparable(pieces.map(([s, e]) => cached(input.text.slice(s, e))).join('')) !== comparable(text)) continue;
        const builder = new AlignedBuilder();
        for (const [s, e] of pieces) builder.push(cached(input.text.slice(s, e)).length, sourceStart(input, s), sourceEnd(input, e - 1));
        return builder.build(text);
      }
      return wholeSpan(input, text);
    },
  };
}

function splitClusters(text: string): [number, number][] {
  const pieces: [number, number][] = [];
  for (let i = 0; i < text.length; ) {
    const width = text.codePointAt(i)! > 0xffff ? 2 : 1;
    const previous = pieces.at(-1);
    if (previous && !WHITESPACE_CHAR.test(text[previous[0]]) && JOINS_PREVIOUS.test(text.slice(i, i + width))) previous[1] = i + width;
    else pieces.push([i, i + width]);
    i += width;
  }
  return pieces;
}

function splitWords(text: string): [number, number][] {
  return [...text.matchAll(/\s|\S+/gu)].map((m) => [m.index, m.index + m[0].length]);
}

/**
 * text.replaceAll(pattern, content) with alignment: replacement units come from the whole match, and a match
 * replaced by nothing stays inside the span of the unit before it.
 */
function replaceStep(pattern: RegExp, content: string): Step {
  const once = new RegExp(pattern.source, pattern.flags.replace('g', ''));
  return {
    apply: (text) => text.replaceAll(pattern, content),
    align(input) {
      const text = input.text.replaceAll(pattern, content);
      if (text === input.text) return input;
      const builder = new AlignedBuilder();
      const copy = (from: number, to: number) => {
        for (let i = from; i < to; i++) builder.push(1, sourceStart(input, i), sourceEnd(input, i));
      };
      let built = '';
      let last = 0;
      for (const match of input.text.matchAll(pattern)) {
        copy(last, match.index);
        const end = match.index + match[0].length;
        // Replaced match by match, so "$&"-style contents come out as replaceAll writes them.
        const replacement = match[0].replace(once, content);
        built += input.text.slice(last, match.index) + replacement;
        if (replacement.length > 0) {
          const from = sourceStart(input, match.index);
          builder.push(replacement.length, from, end > match.index ? sourceEnd(input, end - 1) : from);
        } else if (end > match.index) {
          builder.extendLast(sourceEnd(input, end - 1));
        }
        last = end;
      }
      copy(last, input.text.length);
      built += input.text.slice(last);
      // A pattern that looks around its match may replace differently on the match alone.
      return built === text ? builder.build(text) : wholeSpan(input, text);
    },
  };
}

/** Every unit of `text` from the whole of the input: the alignment of last resort. */
function wholeSpan(input: Aligned, text: string): Aligned {
  const builder = new AlignedBuilder();
  builder.push(text.length, sourceStart(input, 0), input.text.length > 0 ? sourceEnd(input, input.text.length - 1) : sourceStart(input, 0));
  return builder.build(text);
}

function prependStep(prefix: string): Step {
  return {
    apply: (text) => prefix + text,
    align(input) {
      const builder = new AlignedBuilder();
      const at = sourceStart(input, 0);
      builder.push(prefix.length, at, at);
      for (let i = 0; i < input.text.length; i++) builder.push(1, sourceStart(input, i), sourceEnd(input, i));
      return builder.build(prefix + input.text);
    },
  };
}
