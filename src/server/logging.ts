import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export function createLogger(level = process.env.KGQA_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'kgqa', level });
}

const CLIENT_REQUEST_ID = /^[\w.:-]{1,100}$/;
export const REQUEST_ID_HEADER = 'x-request-id';

/** One JSON line per request, tagged with a request id that the response carries back in X-Request-Id. */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(request: IncomingMessage, response: ServerResponse) {
      const given = request.headers[REQUEST_ID_HEADER];
      const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
      response.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
  });
}
