/**
 * GPT-2's byte-level alphabet: every byte as one printable char (printable Latin-1 bytes as themselves, the rest
 * as U+0100 onwards; a space is "Ġ"), and its word-splitting pattern, both as transformers.js has them.
 */

export const BYTE_CHARS: readonly string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const chars: string[] = [];
  let next = 0;
  for (let b = 0; b < 256; b++) chars.push(printable(b) ? String.fromCharCode(b) : String.fromCharCode(256 + next++));
  return chars;
})();

/** GPT-2's pre-tokenization: contractions, words, numbers and other runs, each with one leading space. */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const encoder = new TextEncoder();

/** `text` as byte-level chars. */
export function byteLevelChars(text: string): string {
  let out = '';
  for (const byte of encoder.encode(text)) out += BYTE_CHARS[byte];
  return out;
}
