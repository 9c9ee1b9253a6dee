import { GraphQLError } from 'graphql';
import type { Page } from '../store/store.js';
import { illFormedReason } from '../unicode.js';

export function badInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });
}

/** An id argument: no stored id holds a lone surrogate, and a UTF-8 store would read one as another id's U+FFFD. */
export function idArgument(name: string, value: string): string {
  const illFormed = illFormedReason(value);
  if (illFormed) throw badInput(`"${name}" is not well-formed Unicode (${illFormed})`, name);
  return value;
}

/** A count argument: present, not negative, and at most `max` so one request cannot ask for everything. */
export function countArgument(name: string, value: number | null | undefined, fallback: number, max: number): number {
  const count = value ?? fallback;
  if (count < 0) throw badInput(`"${name}" must not be negative (got ${count})`, name);
  if (count > max) throw badInput(`"${name}" must be at most ${max} (got ${count})`, name);
  return count;
}

export const MAX_EXCLUDED_CONCEPTS = 200;

/** The `exclude` argument: concept ids, at most MAX_EXCLUDED_CONCEPTS of them. */
export function excludeArgument(exclude: readonly string[] | null | undefined): Set<string> {
  if (exclude && exclude.length > MAX_EXCLUDED_CONCEPTS) {
    throw badInput(`"exclude" must hold at most ${MAX_EXCLUDED_CONCEPTS} concept ids (got ${exclude.length})`, 'exclude');
  }
  return new Set(exclude ?? []);
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badInput(`"after" is not a cursor returned by this API`, 'after');
  return Number(match[1]);
}

/** Relay-style `first`/`after` as an offset page: the item after the cursor comes first. */
export function pageArguments(first: number | null | undefined, after: string | null | undefined, fallback: number, max: number): Page {
  return { offset: after ? decodeCursor(after) + 1 : 0, limit: countArgument('first', first, fallback, max) };
}
