import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { makeExecutableSchema } from '@graphql-tools/schema';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Response } from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { withDeadline } from '../deadline.js';
import { schemaPath } from '../paths.js';
import { resolvers } from '../resolvers/index.js';
import { writeAuthorizationPlugin } from './auth.js';
import { createExpressHttpServer } from './express-http-server.js';
import { graphiqlRouter } from './graphiql.js';
import { webPageRouter } from './web-page.js';
import { armorProtection, clientErrorCodes, REQUEST_LIMITS } from './limits.js';
import { createLogger, requestLogger } from './logging.js';
import type { ServerMetrics } from './metrics.js';
import { createRequestContext, type RequestContext, type Services } from '../resolvers/request-context.js';

export interface HttpServerOptions {
  port: number;
  host?: string;
  /** Stack traces in error responses; off unless a developer asks. */
  development?: boolean;
  /** Key for `Authorization: Bearer …` on mutations; without it every mutation is refused. */
  apiKey?: string;
  /** Origins allowed by CORS (`*` for any); none by default. */
  corsOrigins?: string[];
  logger?: Logger;
  metrics?: ServerMetrics;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';
const READINESS_TIMEOUT_MS = 2_000;
/** After the last in-flight request ends, open connections may still deliver a request already sent: wait 10 × 25 ms. */
const DRAIN_QUIET_CHECKS = 10;
const DRAIN_CHECK_MS = 25;
/** Upper bound of each drain phase, so a steady stream of requests cannot hold shutdown forever. */
const DRAIN_MAX_MS = 5_000;

export function loadSchema() {
  return makeExecutableSchema({ typeDefs: readFileSync(schemaPath, 'utf8'), resolvers });
}

/** A refusal made outside GraphQL, in the shape GraphQL clients already read. */
function sendError(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ errors: [{ message, extensions: { code } }] });
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
    formatError: clientErrorCodes,
    allowBatchedHttpRequests: false,
    // The CLI owns shutdown (drain, persist, exit 0); Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: options.development ?? false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // graphql-armor's typings name the CommonJS build of @apollo/server; the plugins are the same objects.
      ...(armor.plugins as unknown as ApolloServerPlugin<RequestContext>[]),
      writeAuthorizationPlugin(options.apiKey),
      ...(options.metrics ? [options.metrics.apolloPlugin()] : []),
    ],
    logger,
  });
  await apollo.start();

  // Graceful shutdown: count in-flight requests and, once draining, tell keep-alive clients to reconnect elsewhere.
  let inFlight = 0;
  let draining = false;
  app.use((_request, response, next) => {
    inFlight++;
    response.once('close', () => inFlight--);
    if (draining) response.setHeader('Connection', 'close');
    next();
  });
  app.use(requestLogger(logger));
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    app.use(cors({ origin: options.corsOrigins.includes('*') ? '*' : options.corsOrigins }));
  }
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    if (draining) {
      response.status(503).json({ status: 'unavailable', reason: 'shutting down' });
      return;
    }
    try {
      await withDeadline(services.store.stats(), READINESS_TIMEOUT_MS, `the ${services.store.kind} store did not answer`);
      response.json({ status: 'ready', store: services.store.kind, model: services.qa ? 'loaded' : 'none' });
    } catch (error) {
      response.status(503).json({ status: 'unavailable', reason: (error as Error).message });
    }
  });
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
      context: async ({ req }) => createRequestContext(services, { authorization: req.headers.authorization, requestId: String(req.id) }),
    }),
  );
  app.use(bodyErrorHandler);
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
  // Quiet means several consecutive checks with nothing in flight: counted in checks, not wall time, because a
  // busy event loop delays the checks while requests wait unparsed in their sockets.
  const quiet = async (limitMs: number) => {
    const started = Date.now();
    for (let quietChecks = 0; quietChecks < DRAIN_QUIET_CHECKS && Date.now() - started < limitMs; ) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
      quietChecks = inFlight > 0 ? 0 : quietChecks + 1;
    }
  };
  const close = async () => {
    // Not ready any more, but still accepting: connections already queued by clients are served, not reset.
    draining = true;
    await quiet(DRAIN_MAX_MS);
    httpServer.close();
    await quiet(DRAIN_MAX_MS);
    await apollo.stop();
  };
  return { url: `http://${host}:${port}${GRAPHQL_PATH}`, port, close };
}
