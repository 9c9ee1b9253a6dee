import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { resolvers } from '../resolvers/index.js';
import { schemaPath } from '../paths.js';
import { graphiqlRouter } from './graphiql.js';
import { createRequestContext, type RequestContext, type Services } from './request-context.js';

export interface HttpServerOptions {
  port: number;
  host?: string;
  /** Stack traces in error responses; off unless a developer asks. */
  development?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

export function loadSchema() {
  return makeExecutableSchema({ typeDefs: readFileSync(schemaPath, 'utf8'), resolvers });
}

export async function startHttpServer(services: Services, options: HttpServerOptions): Promise<RunningServer> {
  const app = express();
  const httpServer: Server = createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema: loadSchema(),
    includeStacktraceInErrorResponses: options.development ?? false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.use(graphiqlRouter(GRAPHQL_PATH));
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '10mb' }),
    expressMiddleware(apollo, { context: async () => createRequestContext(services) }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : 'localhost';
  return {
    url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}${GRAPHQL_PATH}`,
    port,
    close: () => apollo.stop(),
  };
}
