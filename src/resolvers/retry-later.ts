import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** A refusal a client should retry after `waitMs`: HTTP `status` (429 or 503) with Retry-After in whole seconds, at least 1. */
export function retryLater(message: string, code: 'TOO_MANY_REQUESTS' | 'SERVICE_UNAVAILABLE', waitMs: number): GraphQLError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new GraphQLError(`${message}; retry in ${seconds} s`, {
    extensions: {
      code,
      retryAfterSeconds: seconds,
      http: { status: code === 'TOO_MANY_REQUESTS' ? 429 : 503, headers: new HeaderMap([['retry-after', String(seconds)]]) },
    },
  });
}
