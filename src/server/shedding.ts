import type { RequestHandler } from 'express';
import { sendError } from './error-response.js';

/** Paths an orchestrator or a scraper polls: never shed, so a busy server is not mistaken for a dead one. */
const OPERATOR_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Room for the admission queue (64 waiting, 2 running) and as many cheap requests again. */
export const DEFAULT_MAX_IN_FLIGHT = 128;

export interface SheddingOptions {
  /** Requests in flight beyond which new ones are refused; no bound when absent. */
  maxInFlight?: number;
  /** True while the queue for the model is full: an ask arriving now would be refused after being parsed. */
  saturated?: () => boolean;
  onShed?: () => void;
}

/**
 * Refuses a request at once, before its body is read or parsed, while the queue for the model is full or `maxInFlight`
 * requests are in flight; operators' paths always pass.
 *
 * The admission queue refuses an ask only after the request was read, logged, parsed and validated as GraphQL,
 * ~1 ms of the event loop each: 1,000 asks arriving together kept the loop busy for seconds refusing 900 of them, and
 * a health probe waited up to 0.7 s behind that work (docs/benchmarks.md, Overload). Shed here, a refusal costs a
 * header parse and a short write. Cheap requests (a search, a cached ask) arriving while the queue is full are refused
 * too: the price of answering the probe in time, and what a load balancer in front expects of a saturated instance.
 */
export function shedWhenBusy(options: SheddingOptions): RequestHandler {
  let inFlight = 0;
  return (request, response, next) => {
    if (OPERATOR_PATHS.has(request.path)) return next();
    const crowded = options.maxInFlight !== undefined && inFlight >= options.maxInFlight;
    if (crowded || options.saturated?.()) {
      options.onShed?.();
      response.setHeader('Retry-After', '1');
      // The body is never read: the connection closes with the answer.
      response.setHeader('Connection', 'close');
      const reason = crowded ? `${inFlight} requests are in flight` : 'the queue for the model is full';
      sendError(response, 503, 'SERVICE_UNAVAILABLE', `the server is busy: ${reason}; retry in 1 s`, { retryAfterSeconds: 1 });
      return;
    }
    inFlight++;
    response.once('close', () => inFlight--);
    next();
  };
}
