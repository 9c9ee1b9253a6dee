import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../resolvers/request-context.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
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

/** Reads stay open; every mutation needs `Authorization: Bearer <KGQA_API_KEY>`, and none runs without a key set. */
export function writeAuthorizationPlugin(apiKey: string | undefined): ApolloServerPlugin<RequestContext> {
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
          const token = /^Bearer\s+(\S+)$/i.exec(contextValue.authorization ?? '')?.[1];
          if (!token || !sameSecret(token, apiKey)) {
            throw new GraphQLError('mutations need the header "Authorization: Bearer <API key>"', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
      };
    },
  };
}
