import { createHash } from 'node:crypto';

/** Questions differing only in case, spacing, Unicode form or a trailing "?" share cached answers. */
export function normalizeQuestion(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[\s?]+$/, '');
}

export function questionDigest(normalizedQuestion: string): string {
  return createHash('sha256').update(normalizedQuestion).digest('base64url').slice(0, 22);
}
