import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const REDACTED = '[Redacted]';

/** Credentials a request or response can carry in a header every HTTP stack knows, wherever a log line holds one. */
const CREDENTIAL_PATHS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'].flatMap((header) => [
  `req.headers["${header}"]`,
  `headers["${header}"]`,
]);

export function createLogger(level = process.env.KGQA_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: 'kgqa',
    level,
    redact: { paths: [...CREDENTIAL_PATHS, 'res.headers["set-cookie"]'], censor: REDACTED },
  });
}

/** Header and query-parameter names that carry a secret in some client's convention (api_key, X-Auth-Token, session, …). */
const SECRET_NAME = /auth|key|token|secret|passw|cookie|session|credential|signature/i;

/** `url` with the value of every secret-looking query parameter replaced. */
function redactedUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0];
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // A malformed escape is matched as written.
      }
      return SECRET_NAME.test(decoded) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}

interface SerializedRequest {
  url?: string;
  query?: unknown;
  headers?: Record<string, unknown>;
}

/**
 * The request as logged, without secrets in headers or the URL whatever their name's convention. pino's `redact`
 * (createLogger) takes the well-known headers out of every line; this covers the names it cannot list.
 */
function withoutSecrets<T extends SerializedRequest>(request: T): T {
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name, SECRET_NAME.test(name) ? REDACTED : value]));
  const query =
    request.query && typeof request.query === 'object'
      ? Object.fromEntries(Object.entries(request.query).map(([name, value]) => [name, SECRET_NAME.test(name) ? REDACTED : value]))
      : request.query;
  return { ...request, headers, query, url: typeof request.url === 'string' ? redactedUrl(request.url) : request.url };
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
    serializers: { req: withoutSecrets },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
  });
}
