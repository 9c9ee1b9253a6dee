import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { createRequestContext, type Services } from '../resolvers/request-context.js';
import { loadSchema } from './http-server.js';

let schema: GraphQLSchema | undefined;

/**
 * Runs one GraphQL operation in-process through the schema and resolvers the HTTP server uses, so the CLI and the
 * benchmarks get the server's argument checks, error codes and answers without a second copy of the wiring.
 */
export async function runOperation<T>(services: Services, source: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult<T>> {
  schema ??= loadSchema();
  return (await graphql({ schema, source, variableValues: variables, contextValue: createRequestContext(services) })) as ExecutionResult<T>;
}
