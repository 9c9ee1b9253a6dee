import { createHash } from 'node:crypto';

/** Questions differing only in case, spacing, Unicode form or a trailing "?" share cached answers. */
export function normalizeQuestion(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[\s?]+$/, '');
}

export function questionDigest(normalizedQuestion: string): string {
  return createHash('sha256').update(normalizedQuestion).digest('base64url').slice(0, 22);
}

/** Identifies a passage's text: an answer cached for it is reused only while the text is the same. */
export function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}
