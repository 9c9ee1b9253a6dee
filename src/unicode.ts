/**
 * Well-formed Unicode: no lone UTF-16 surrogate. Redis and SQLite keep text as UTF-8, which cannot hold one, so a
 * store would silently turn `doc\ud800` and `doc\udbff` into the same `doc\ufffd`; every store therefore sees
 * only well-formed ids (ill-formed ones are refused) and well-formed text (lone surrogates become U+FFFD).
 */

// Node 20 has both natively (V8 11.3); TypeScript's ES2022 lib does not declare them yet.
declare global {
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

export function isWellFormed(text: string): boolean {
  return text.isWellFormed();
}

/** Every lone surrogate replaced by U+FFFD, as a UTF-8 encoder would, so that every store stores the same text. */
export function toWellFormed(text: string): string {
  return text.toWellFormed();
}

/** Why a value is not well-formed, for a one-line error: "a lone surrogate \ud800 at character 4", or null. */
export function illFormedReason(text: string): string | null {
  if (text.isWellFormed()) return null;
  const index = /\p{Surrogate}/u.exec(text)!.index;
  return `a lone surrogate \\u${text.charCodeAt(index).toString(16)} at character ${index + 1}`;
}

/** Stores refuse an ill-formed article id outright (a plain Error: the document's own problem, not the store's). */
export function checkWellFormedId(what: string, id: string): void {
  const illFormed = illFormedReason(id);
  if (illFormed) throw new Error(`${what} ${JSON.stringify(id)} is not well-formed Unicode (${illFormed})`);
}
