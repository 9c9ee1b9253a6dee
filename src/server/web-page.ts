import express, { type Response, type Router } from 'express';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** Where `node web/build.mjs` writes the page: index.html plus assets/ (app.js, app.css, source maps). */
export const webBundleDir = join(packageRoot, 'dist', 'web');
export const WEB_ASSET_PREFIX = '/web-assets';

/** The one <style> element cytoscape inserts into the page; allowed by its hash, no other inline style is. */
const CYTOSCAPE_STYLESHEET = '.__________cytoscape_container { position: relative; }';
const cytoscapeStyleHash = createHash('sha256').update(CYTOSCAPE_STYLESHEET).digest('base64');

/** The page talks to /graphql on its own origin only and loads nothing from elsewhere, so it works offline. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' 'sha256-${cytoscapeStyleHash}'`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>kgqa: web page not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The kgqa web page has not been built</h1>
<p>This server is running, but the page's bundle is missing. Build it with <code>npm run build</code>
(or <code>node web/build.mjs</code>), then reload.</p>
<p>The GraphQL API and GraphiQL work meanwhile: <a href="graphql">/graphql</a>.</p>
</body>
</html>`;

function notBuilt(response: Response): void {
  response.status(503).set('Retry-After', '60').set('Cache-Control', 'no-store').type('html').send(NOT_BUILT);
}

/**
 * Serves the question-answering page at `/` and its bundled assets at /web-assets/.
 * Answers 503 with instructions when the bundle has not been built. Mount it before the GraphQL routes.
 */
export function webPageRouter(options: { dir?: string } = {}): Router {
  const dir = options.dir ?? webBundleDir;
  const page = join(dir, 'index.html');
  const assets = join(dir, 'assets');
  const router = express.Router();

  router.get(['/', '/index.html'], (_request, response) => {
    if (!existsSync(page)) return notBuilt(response);
    response.set({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    response.sendFile(page);
  });

  router.use(
    WEB_ASSET_PREFIX,
    (request, response, next) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return next();
      if (!existsSync(assets)) return notBuilt(response);
      response.set('X-Content-Type-Options', 'nosniff');
      next();
    },
    // Names are not content-hashed, so browsers revalidate (ETag) rather than keep a stale bundle.
    express.static(assets, { index: false, redirect: false, cacheControl: true, maxAge: 0 }),
  );
  return router;
}
