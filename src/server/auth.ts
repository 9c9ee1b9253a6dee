import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { timingSafeEqual } from 'node:crypto';
import type { RequestContext } from '../resolvers/request-context.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
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
