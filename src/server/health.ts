import express, { type Router } from 'express';
import { withDeadline } from '../deadline.js';
import type { Services } from '../resolvers/request-context.js';
import { withoutServerPaths } from './server-paths.js';

const READINESS_TIMEOUT_MS = 2_000;

/** GET /healthz: the process answers. GET /readyz: the store answers in time, and whether a model is loaded; 503 while draining. */
export function healthRouter(services: Services, draining: () => boolean): Router {
  const router = express.Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', async (_request, response) => {
    if (draining()) {
      response.status(503).json({ status: 'unavailable', reason: 'shutting down' });
      return;
    }
    try {
      await withDeadline(services.store.stats(), READINESS_TIMEOUT_MS, `the ${services.store.kind} store did not answer`);
      response.json({ status: 'ready', store: services.store.kind, model: services.qa ? 'loaded' : 'none' });
    } catch (error) {
      response.status(503).json({ status: 'unavailable', reason: withoutServerPaths((error as Error).message) });
    }
  });
  return router;
}
