import { ApolloArmor } from '@escape.tech/graphql-armor';

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

/** graphql-armor's validation rules and plugins: each rejection is a GraphQL error naming the limit. */
export function armorProtection() {
  return new ApolloArmor({
    maxDepth: { n: REQUEST_LIMITS.maxDepth, flattenFragments: true },
    maxAliases: { n: REQUEST_LIMITS.maxAliases },
    maxTokens: { n: REQUEST_LIMITS.maxTokens },
    maxDirectives: { n: REQUEST_LIMITS.maxDirectives },
    costLimit: { maxCost: REQUEST_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}
