import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { makeExecutableSchema } from '@graphql-tools/schema';
import cors from 'cors';
import express, { type ErrorRequestHandler } from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { schemaPath } from '../paths.js';
import { resolvers } from '../resolvers/index.js';
import { createRequestContext, type RequestContext, type Services } from '../resolvers/request-context.js';
import { SlidingWindow, type RateLimit } from '../sliding-window.js';
import { isApiKey, writeAuthorizationPlugin } from './auth.js';
import { RequestDrain } from './drain.js';
import { sendError } from './error-response.js';
import { createExpressHttpServer } from './express-http-server.js';
import { graphiqlRouter } from './graphiql.js';
import { healthRouter } from './health.js';
import { withoutServerPaths } from './server-paths.js';
import { shedWhenBusy } from './shedding.js';
import { webPageRouter } from './web-page.js';
import { armorProtection, clientErrorCodes, REQUEST_LIMITS } from './limits.js';
import { createLogger, requestLogger } from './logging.js';
import type { ServerMetrics } from './metrics.js';

export interface HttpServerOptions {
  port: number;
  host?: string;
  /** Stack traces in error responses; off unless a developer asks. */
  development?: boolean;
  /** Key for `Authorization: Bearer …` on mutations; without it every mutation is refused. */
  apiKey?: string;
  /** Failed authentications a client address may make per window before it is answered 429; no limit when absent. */
  authFailures?: RateLimit;
  /** Origins allowed by CORS (`*` for any); none by default. */
  corsOrigins?: string[];
  logger?: Logger;
  metrics?: ServerMetrics;
  /** Requests in flight (health, readiness and metrics aside) beyond which new ones are answered 503 unread; no bound when absent. */
  maxInFlight?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

export function loadSchema() {
  return makeExecutableSchema({ typeDefs: readFileSync(schemaPath, 'utf8'), resolvers });
}

/**
 * The last handler of a failure outside GraphQL: Express's own would answer an HTML page with the stack trace (and
 * the server's paths in it) whenever NODE_ENV is not `production`.
 */
function internalErrorHandler(logger: Logger, development: boolean): ErrorRequestHandler {
  return (error, _request, response, next) => {
    logger.error({ err: error }, 'internal error outside GraphQL');
    if (response.headersSent) return next(error);
    const message = development && error instanceof Error ? (error.stack ?? error.message) : 'internal server error; the server log has the details';
    sendError(response, 500, 'INTERNAL_SERVER_ERROR', message);
  };
}

/** Body-parser failures (bad JSON, too large) answered as GraphQL-shaped errors rather than HTML pages. */
const bodyErrorHandler: ErrorRequestHandler = (error, _request, response, next) => {
  const status = typeof error?.status === 'number' ? error.status : 500;
  if (status >= 500) return next(error);
  if (status === 413) sendError(response, status, 'PAYLOAD_TOO_LARGE', `request body is larger than ${REQUEST_LIMITS.maxBodyBytes} bytes`);
  else sendError(response, status, 'BAD_REQUEST', `bad request body: ${error.message}`);
};

export async function startHttpServer(services: Services, options: HttpServerOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger('silent');
  const app = express();
  app.disable('x-powered-by');
  const httpServer: Server = createExpressHttpServer(app);
  const armor = armorProtection();
  const apollo = new ApolloServer<RequestContext>({
    schema: loadSchema(),
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    formatError: (formatted, error) => {
      const coded = clientErrorCodes(formatted, error);
      // The operator gets the whole error, with its paths; the client gets the message without them.
      if (coded.extensions?.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: unwrapResolverError(error) }, 'internal error in a GraphQL request');
      return options.development ? coded : { ...coded, message: withoutServerPaths(coded.message) };
    },
    allowBatchedHttpRequests: false,
    // The CLI owns shutdown (drain, persist, exit 0); Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: options.development ?? false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // graphql-armor's typings name the CommonJS build of @apollo/server; the plugins are the same objects.
      ...(armor.plugins as unknown as ApolloServerPlugin<RequestContext>[]),
      writeAuthorizationPlugin(options.apiKey, options.authFailures && new SlidingWindow(options.authFailures.limit, options.authFailures.windowMs)),
      ...(options.metrics ? [options.metrics.apolloPlugin()] : []),
    ],
    logger,
  });
  await apollo.start();

  const drain = new RequestDrain();
  app.use(drain.middleware);
  const admission = services.qa?.admission;
  app.use(shedWhenBusy({ maxInFlight: options.maxInFlight, saturated: admission ? () => admission.full : undefined, onShed: options.metrics?.onShed }));
  app.use(requestLogger(logger));
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use(cors({ origin: options.corsOrigins.includes('*') ? '*' : options.corsOrigins }));
  }
  app.use(healthRouter(services, () => drain.draining));
  if (options.metrics) {
    const { registry } = options.metrics;
    app.get('/metrics', async (_request, response) => {
      response.type(registry.contentType).send(await registry.metrics());
    });
  }
  app.use(webPageRouter());
  app.use(graphiqlRouter(GRAPHQL_PATH));
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: REQUEST_LIMITS.maxBodyBytes }),
    expressMiddleware(apollo, {
      context: async ({ req }) => createRequestContext(services, {
          authorization: req.headers.authorization,
          requestId: String(req.id),
          clientAddress: req.ip ?? req.socket.remoteAddress,
          client: options.apiKey && isApiKey(req.headers.authorization, options.apiKey) ? 'api-key' : `address ${req.ip ?? req.socket.remoteAddress}`,
        }),
    }),
  );
  app.use(bodyErrorHandler);
  app.use(internalErrorHandler(logger, options.development ?? false));
  // Clients of an API read JSON: an unknown path gets the same error shape as every other refusal.
  app.use((request, response) => {
    sendError(response, 404, 'NOT_FOUND', `nothing at ${`${request.method} ${request.path}`.slice(0, 200)}; GraphQL is at ${GRAPHQL_PATH}`);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = !options.host || ['127.0.0.1', '0.0.0.0', '::'].includes(options.host) ? 'localhost' : options.host;
  const close = async () => {
    await drain.drain(httpServer);
    await apollo.stop();
  };
  return { url: `http://${host}:${port}${GRAPHQL_PATH}`, port, close };
}
