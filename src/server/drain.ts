import type { RequestHandler } from 'express';
import type { Server } from 'node:http';

/** After the last in-flight request ends, open connections may still deliver a request already sent: wait 10 × 25 ms. */
const QUIET_CHECKS = 10;
const CHECK_MS = 25;
/** Upper bound of each drain phase, so a steady stream of requests cannot hold shutdown forever. */
const MAX_PHASE_MS = 5_000;

/** Graceful shutdown: counts in-flight requests and, once draining, tells keep-alive clients to reconnect elsewhere. */
export class RequestDrain {
  private inFlight = 0;
  private started = false;

  /** Mount before every route, so every request is counted. */
  readonly middleware: RequestHandler = (_request, response, next) => {
    this.inFlight++;
    response.once('close', () => this.inFlight--);
    if (this.started) response.setHeader('Connection', 'close');
    next();
  };

  get draining(): boolean {
    return this.started;
  }

  /** Not ready any more but still accepting, so connections clients already queued are served, not reset; then closed. */
  async drain(httpServer: Server): Promise<void> {
    this.started = true;
    await this.quiet();
    httpServer.close();
    await this.quiet();
  }

  /**
   * Quiet means several consecutive checks with nothing in flight: counted in checks, not wall time, because a
   * busy event loop delays the checks while requests wait unparsed in their sockets.
   */
  private async quiet(): Promise<void> {
    const started = Date.now();
    for (let quietChecks = 0; quietChecks < QUIET_CHECKS && Date.now() - started < MAX_PHASE_MS; ) {
      await new Promise((resolve) => setTimeout(resolve, CHECK_MS));
      quietChecks = this.inFlight > 0 ? 0 : quietChecks + 1;
    }
  }
}
