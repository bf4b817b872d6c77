import { createRequire } from 'node:module';
import path from 'node:path';

import express, { type Router } from 'express';

const require = createRequire(import.meta.url);

/** Files of the offline GraphiQL page, resolved from installed packages (no CDN). */
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
const ASSETS: Record<string, string> = {
  'react.js': path.join(packageDir('react'), 'umd/react.production.min.js'),
  'react-dom.js': path.join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
  'graphiql.js': path.join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.css': path.join(packageDir('graphiql'), 'graphiql.min.css'),
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>SciFed GraphiQL</title>
  <link rel="stylesheet" href="/ide/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/ide/react.js"></script>
  <script src="/ide/react-dom.js"></script>
  <script src="/ide/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql', headers: { 'apollo-require-preflight': 'true' } });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultEditorToolbarOpen: true }),
    );
  </script>
</body>
</html>`;

/** Whether the IDE is served: on unless NODE_ENV=production, where SCIFED_IDE=on enables it. */
export function ideEnabled(env = process.env): boolean {
  if (env.SCIFED_IDE === 'on') return true;
  if (env.SCIFED_IDE === 'off') return false;
  return env.NODE_ENV !== 'production';
}

/** GET /graphql from a browser serves GraphiQL; /ide/* serves its scripts and styles. */
export function ideRouter(): Router {
  const router = express.Router();
  router.get('/ide/:file', (request, response, next) => {
    const file = ASSETS[request.params.file];
    if (!file) return next();
    response.sendFile(file, { maxAge: '1h' });
  });
  router.get('/graphql', (request, response, next) => {
    if (!request.accepts('html') || request.query.query !== undefined) return next();
    response.type('html').send(PAGE);
  });
  return router;
}
