import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';

/**
 * An http.Server for an Express app whose requests and responses are born with the app's prototypes.
 *
 * Express 5 re-prototypes every req and res (`Object.setPrototypeOf`). V8 gives such an object a hidden class of
 * its own, so each property added afterwards (by the router, body-parser, pino-http, writeHead…) builds a fresh
 * map and descriptor array that scavenges promote: ~12 KB per request, +35% RSS in a 60 s soak, all garbage
 * waiting for a full collection. Created with the right prototype, Express's call changes nothing and every
 * request shares one chain of hidden classes (docs/benchmarks.md, Load and soak).
 */
export function createExpressHttpServer(app: Express): Server {
  return createServer(
    {
      IncomingMessage: constructedWith(IncomingMessage, app.request),
      ServerResponse: constructedWith(ServerResponse, app.response) as typeof ServerResponse,
    },
    app,
  );
}

/** A constructor running `base`'s construction for objects whose prototype is `prototype`. */
function constructedWith<T extends new (...args: never[]) => object>(base: T, prototype: object): T {
  function Constructor(...args: unknown[]): object {
    return Reflect.construct(base, args, Constructor);
  }
  Constructor.prototype = prototype;
  return Constructor as unknown as T;
}
