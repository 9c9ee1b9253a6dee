import type { AddedToken } from './tokenizer-files.js';

export type TextCallback = (start: number, end: number, section: number) => void;
export type TokenCallback = (id: number, start: number, end: number, section: number) => void;

/**
 * Finds added tokens the way transformers.js's DictionarySplitter does: left to right, the longest token starting
 * at each position. Alternatives are tried in order, so longest first does that.
 */
export class AddedTokenMatcher {
  private constructor(
    private readonly pattern: RegExp,
    private readonly tokens: ReadonlyMap<string, AddedToken>,
    private readonly strips: boolean,
  ) {}

  /** `contentOf` gives the text a token is matched as (its normalized form, for normalized tokens). */
  static of(tokens: readonly AddedToken[], contentOf: (token: AddedToken) => string = (t) => t.content): AddedTokenMatcher | null {
    const byContent = new Map<string, AddedToken>();
    for (const token of tokens) {
      const content = contentOf(token);
      if (content.length > 0 && !byContent.has(content)) byContent.set(content, token);
    }
    if (byContent.size === 0) return null;
    const alternatives = [...byContent.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    const strips = tokens.some((t) => t.lstrip || t.rstrip);
    return new AddedTokenMatcher(new RegExp(alternatives.join('|'), 'g'), byContent, strips);
  }

  /**
   * Calls onText for each stretch between added tokens (possibly empty) and onToken for each added token, in
   * order. A token with lstrip (rstrip) trims the whitespace ending (starting) the stretch before (after) it, as
   * transformers.js does. `section` numbers tokens and non-empty stretches as transformers.js's sections.
   */
  split(text: string, onText: TextCallback, onToken: TokenCallback): void {
    this.pattern.lastIndex = 0;
    let section = 0;
    let textStart = 0;
    if (!this.strips) {
      for (let match; (match = this.pattern.exec(text)); ) {
        if (match.index > textStart) onText(textStart, match.index, section++);
        textStart = match.index + match[0].length;
        onToken(this.tokens.get(match[0])!.id, match.index, textStart, section++);
      }
      if (textStart < text.length) onText(textStart, text.length, section);
      return;
    }
    const matches: { token: AddedToken; start: number; end: number }[] = [];
    for (let match; (match = this.pattern.exec(text)); ) {
      matches.push({ token: this.tokens.get(match[0])!, start: match.index, end: match.index + match[0].length });
    }
    let untrimmedStart = 0;
    for (const [i, { token, start, end }] of matches.entries()) {
      if (start > untrimmedStart) onText(textStart, token.lstrip ? Math.max(textStart, trimmedEnd(text, textStart, start)) : start, section++);
      onToken(token.id, start, end, section++);
      untrimmedStart = end;
      textStart = token.rstrip ? trimmedStart(text, end, matches[i + 1]?.start ?? text.length) : end;
    }
    if (untrimmedStart < text.length) onText(textStart, text.length, section);
  }

  /** The token a whole stretch of text is, when it is exactly one (transformers.js looks stretches up whole). */
  whole(text: string): AddedToken | undefined {
    return this.tokens.get(text);
  }
}

/** Calls onText/onToken as AddedTokenMatcher.split does; without a matcher the whole text is one stretch. */
export function forEachPart(text: string, matcher: AddedTokenMatcher | null, onText: TextCallback, onToken: TokenCallback): void {
  if (matcher) matcher.split(text, onText, onToken);
  else if (text.length > 0) onText(0, text.length, 0);
}

const TRIMMED = /\s/;

/** End of text[start, end) once trailing whitespace (as String.prototype.trimEnd sees it) is dropped. */
function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && TRIMMED.test(text[end - 1])) end--;
  return end;
}

function trimmedStart(text: string, start: number, end: number): number {
  while (start < end && TRIMMED.test(text[start])) start++;
  return start;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
