import express, { type Request, type Router } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** Every file GraphiQL needs, served from our own node_modules so the page works offline. */
const ASSETS: Record<string, string> = {
  'react.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
  'react-dom.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
  'graphiql.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.css': join(packageDir('graphiql'), 'graphiql.min.css'),
};

const ASSET_PREFIX = '/graphiql-assets';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kgqa GraphiQL</title>
<link rel="stylesheet" href="${ASSET_PREFIX}/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${ASSET_PREFIX}/react.js"></script>
<script src="${ASSET_PREFIX}/react-dom.js"></script>
<script src="${ASSET_PREFIX}/graphiql.js"></script>
<script>
const fetcher = GraphiQL.createFetcher({ url: location.pathname });
const defaultQuery = \`# kgqa: a concept graph built from documents. Try:
{
  stats { articles sentences concepts edges }
  search(text: "coronavirus spike protein", limit: 5) {
    concepts { id name rank }
    links { source { name } target { name } rank sentences(first: 2) { text article { title } } }
  }
}
\`;
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery, defaultEditorToolsVisibility: true }),
);
</script>
</body>
</html>`;

/** A browser navigating to the endpoint wants the IDE; API clients (JSON, or a query string) do not. */
export function wantsGraphiQL(request: Request): boolean {
  return request.method === 'GET' && request.accepts(['application/json', 'text/html']) === 'text/html' && !request.query.query;
}

export function graphiqlRouter(endpoint: string): Router {
  const router = express.Router();
  router.get(endpoint, (request, response, next) => {
    if (!wantsGraphiQL(request)) return next();
    response.type('html').send(PAGE);
  });
  router.get(`${ASSET_PREFIX}/:name`, (request, response, next) => {
    const file = ASSETS[request.params.name];
    if (!file) return next();
    response.sendFile(file, { maxAge: '1d' });
  });
  return router;
}
