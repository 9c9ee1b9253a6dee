import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../resolvers/request-context.js';
import { retryLater } from '../resolvers/retry-later.js';
import type { SlidingWindow } from '../sliding-window.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether an Authorization header value is `Bearer <apiKey>`. */
export function isApiKey(authorization: string | undefined, apiKey: string): boolean {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return token !== undefined && sameSecret(token, apiKey);
}

/** What a bearer token can hold: RFC 7235 token68 is narrower, but clients send any visible ASCII, and so may the key. */
const SENDABLE = /^[\x21-\x7e]$/;

/**
 * Why no client could send `key` in `Authorization: Bearer <key>` (a space, a control or non-ASCII character),
 * naming the first such character by position and code point, never the key itself; null when it can be sent.
 */
export function unsendableKeyReason(key: string): string | null {
  let position = 0;
  for (const char of key) {
    position++;
    if (!SENDABLE.test(char)) {
      const code = `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      const kind = /\s/.test(char) ? 'whitespace' : char.codePointAt(0)! < 0x80 ? 'a control character' : 'a non-ASCII character';
      return `character ${position} is ${kind} (${code}); a client can only send visible ASCII (! to ~) in "Authorization: Bearer <key>"`;
    }
  }
  return null;
}

/**
 * Reads stay open; every mutation needs `Authorization: Bearer <KGQA_API_KEY>`, and none runs without a key set.
 * A client (address) with as many failed attempts as `failures` allows in its window is answered 429 before its key
 * is even compared, so guessing costs a window per few keys.
 */
export function writeAuthorizationPlugin(apiKey: string | undefined, failures?: SlidingWindow): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (operation?.operation !== 'mutation') return;
          if (!apiKey) {
            throw new GraphQLError('writes are disabled on this server: start it with KGQA_API_KEY set', {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
          const client = contextValue.clientAddress ?? 'unknown';
          const waitMs = failures?.waitMs(client) ?? 0;
          if (waitMs > 0) throw retryLater('too many failed authentications from this address', 'TOO_MANY_REQUESTS', waitMs);
          if (!isApiKey(contextValue.authorization, apiKey)) {
            failures?.record(client);
            throw new GraphQLError('mutations need the header "Authorization: Bearer <API key>"', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
      };
    },
  };
}
