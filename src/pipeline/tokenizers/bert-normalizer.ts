/**
 * BERT's text normalizer (tokenizers' BertNormalizer), written to give exactly the string
 * transformers.js gives, plus an alignment from every normalized UTF-16 unit back to the
 * characters of the input it came from.
 */

export interface BertNormalizerOptions {
  /** Drop NUL, U+FFFD and control/format/private-use/surrogate chars; whitespace becomes ' '. */
  cleanText: boolean;
  /** Put spaces around CJK ideographs so each becomes its own word. */
  handleChineseChars: boolean;
  lowercase: boolean;
  /** NFD, then drop nonspacing marks (\p{Mn}). */
  stripAccents: boolean;
}

/** A normalized string and, per UTF-16 unit of it, the [start, end) of the input chars it came from. */
export interface AlignedText {
  text: string;
  /** null when the text maps one to one onto the input (unit i came from input unit i). */
  starts: Int32Array | null;
  ends: Int32Array | null;
}

// transformers.js tests each char separately; \t \n \r are controls too but count as whitespace.
const REMOVED_CHARS = /(?![\t\n\r])[\uFFFD\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu;
const WHITESPACE = /\s/g;
// transformers.js checks UTF-16 units, so CJK ideographs outside the BMP are never padded.
const CJK_IDEOGRAPHS = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/g;
const NONSPACING_MARKS = /\p{Mn}/gu;
/** Text that cleaning and accent stripping leave alone and that lowercases unit for unit. */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
/** Per-char lengths are cached; the bound keeps hostile input (all of Unicode) from growing it forever. */
const MAX_CACHED_CHARS = 65_536;

export class BertNormalizer {
  /** Char -> length of its normalized form; all the alignment needs. */
  private readonly normalizedLengths = new Map<string, number>();

  constructor(private readonly options: BertNormalizerOptions) {}

  /** The normalized string, computed on the whole input exactly as transformers.js does. */
  normalize(text: string): string {
    const { cleanText, handleChineseChars, lowercase, stripAccents } = this.options;
    if (cleanText) text = text.replace(REMOVED_CHARS, '').replace(WHITESPACE, ' ');
    if (handleChineseChars) text = text.replace(CJK_IDEOGRAPHS, ' $& ');
    if (lowercase) text = text.toLowerCase();
    if (stripAccents) text = text.normalize('NFD').replace(NONSPACING_MARKS, '');
    return text;
  }

  normalizeAligned(source: string): AlignedText {
    if (PRINTABLE_ASCII.test(source)) {
      return { text: this.options.lowercase ? source.toLowerCase() : source, starts: null, ends: null };
    }
    return this.alignedCharByChar(source);
  }

  /**
   * Normalizes each input char on its own to learn where every output unit comes from. The whole
   * string can differ from that only in place, never in length: final sigma (σ or ς depends on the
   * letters around it) and NFD putting adjacent combining marks in canonical order.
   */
  private alignedCharByChar(source: string): AlignedText {
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < source.length; ) {
      const codePoint = source.codePointAt(i)!;
      const width = codePoint > 0xffff ? 2 : 1;
      const units = isPrintableAscii(codePoint) ? 1 : this.normalizedLength(source.slice(i, i + width));
      if (units === 0) {
        // A dropped char (accent, control) stays inside the span of the char before it.
        if (ends.length > 0) ends[ends.length - 1] = i + width;
      }
      for (let k = 0; k < units; k++) {
        starts.push(i);
        ends.push(i + width);
      }
      i += width;
    }
    const text = this.normalize(source);
    if (text.length !== starts.length) {
      throw new Error(`BertNormalizer alignment: ${JSON.stringify(source)} normalizes to another length char by char`);
    }
    return { text, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
  }

  private normalizedLength(char: string): number {
    let length = this.normalizedLengths.get(char);
    if (length === undefined) {
      length = this.normalize(char).length;
      if (this.normalizedLengths.size < MAX_CACHED_CHARS) this.normalizedLengths.set(char, length);
    }
    return length;
  }
}

function isPrintableAscii(codePoint: number): boolean {
  return codePoint >= 0x20 && codePoint <= 0x7e;
}
