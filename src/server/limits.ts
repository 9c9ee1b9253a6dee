import { ApolloArmor } from '@escape.tech/graphql-armor';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError, type ValidationRule } from 'graphql';
import { StoreError } from '../store/store-error.js';

/**
 * Every limit a request meets, with its default. Argument caps (`limit`, `first`, question length) live beside
 * their resolvers; these bound the shape and size of a request before any resolver runs.
 */
export const REQUEST_LIMITS = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 20_000,
  /** JSON body size; the ingest mutation is the only large request. */
  maxBodyBytes: 5 * 1024 * 1024,
} as const;

/** graphql-armor's validation rules and plugins, and Apollo's parse options: each rejection is a GraphQL error naming the limit. */
export function armorProtection() {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: REQUEST_LIMITS.maxDepth, flattenFragments: true },
    maxAliases: { n: REQUEST_LIMITS.maxAliases },
    // graphql-armor's Apollo token plugin parses in `parsingDidStart`, where any throw (its limit, or any plain
    // syntax error) becomes a 500; graphql-js counts tokens in Apollo's own parse, whose errors are 400s.
    maxTokens: { enabled: false },
    maxDirectives: { n: REQUEST_LIMITS.maxDirectives },
    costLimit: { maxCost: REQUEST_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  return {
    plugins,
    validationRules: [...validationRules, knownOperationTypes],
    parseOptions: { maxTokens: REQUEST_LIMITS.maxTokens },
  };
}

/** graphql-js 16 notices a missing root type (`subscription`) only at execution, reported as INTERNAL_SERVER_ERROR. */
const knownOperationTypes: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`this API has no ${node.operation} operations`, { nodes: node }));
    }
  },
});

const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables';

/**
 * A store failure keeps its own code. Apollo codes an error it cannot classify INTERNAL_SERVER_ERROR even when the client caused it: graphql-js giving up
 * after 50 bad variable values, or a request error Apollo itself answers with a 4xx (a persisted-query hash that does
 * not match the query). Clients would read those as the server's fault; they get BAD_USER_INPUT and BAD_REQUEST.
 */
export function clientErrorCodes(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  // A store failure says what it is (STORE_READ_ONLY, STORE_UNAVAILABLE, …) in words without server paths.
  const cause = unwrapResolverError(error);
  if (cause instanceof StoreError) return { ...formatted, message: cause.message, extensions: { ...formatted.extensions, code: cause.code } };
  const status = ((error as GraphQLError | null)?.extensions?.http as { status?: number } | undefined)?.status;
  const code = formatted.message.startsWith(TOO_MANY_VARIABLE_ERRORS)
    ? 'BAD_USER_INPUT'
    : status !== undefined && status >= 400 && status < 500
      ? 'BAD_REQUEST'
      : null;
  return code ? { ...formatted, extensions: { ...formatted.extensions, code } } : formatted;
}
