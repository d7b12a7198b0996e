import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Express, Request, Response } from 'express';
import { loadConfig, setting } from '../../../platform/config';
import type { EdgeModule } from '..';

/**
 * GraphiQL at GET /playground, in development only (never when NODE_ENV=production;
 * PLAYGROUND=off turns it off elsewhere too). Everything the page loads comes from the
 * router: GraphiQL's, React's and ReactDOM's browser builds out of node_modules and a
 * small bootstrap beside this file, so it works with no internet access; no CDN URL. It
 * talks to this router's /graphql, subscriptions over graphql-ws on the same path.
 * A browser that opens /graphql (Accept: text/html, no query) is sent here.
 *
 * The packages are development dependencies: a production install (`npm ci --omit=dev`)
 * has no playground, and says so if one is asked for outside production.
 *
 * Apollo Server's own landing page (which loads Apollo's scripts from a CDN) is never
 * served, in any mode: a browser's GET /graphql is either sent here or answered as a
 * GraphQL request without a query.
 */
export const playground: EdgeModule = () => {
  const plugins = [ApolloServerPluginLandingPageDisabled()];
  if (!playgroundEnabled()) return { plugins };
  return { plugins, routes: playgroundRoutes };
};

export function playgroundEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const config = loadConfig(
    { NODE_ENV: setting.string('development'), PLAYGROUND: setting.bool(true) },
    env,
  );
  return config.NODE_ENV !== 'production' && config.PLAYGROUND;
}

const PATH = '/playground';
const ENDPOINT = '/graphql';

/** Every file the page loads: name under /playground/assets → [package, file in it]. */
const ASSETS: Record<string, [pkg: string | null, file: string]> = {
  'react.production.min.js': ['react', 'umd/react.production.min.js'],
  'react-dom.production.min.js': ['react-dom', 'umd/react-dom.production.min.js'],
  'graphiql.min.js': ['graphiql', 'graphiql.min.js'],
  'graphiql.min.css': ['graphiql', 'graphiql.min.css'],
  'playground.js': [null, 'playground.js'],
  'playground.css': [null, 'playground.css'],
};

const DEFAULT_QUERY = `# The commerce supergraph. Ctrl-Enter runs; the Docs panel lists every type.
query Products {
  products(first: 5) {
    totalCount
    edges {
      node {
        name
        variants {
          sku
          price { amount currency }
          availableQuantity
        }
      }
    }
  }
}
`;

// Only the page's own files, plus inline styles (GraphiQL sets style attributes) and the
// data: fonts in its CSS; requests only to this origin (HTTP and WebSocket).
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function playgroundRoutes(app: Express): void {
  const files = resolveAssets();
  const missing = Object.entries(files)
    .filter(([, path]) => !path)
    .map(([name]) => name);

  app.get(PATH, (_req, res) => {
    if (missing.length) {
      res
        .status(503)
        .type('text/plain')
        .send(
          `The playground needs graphiql, react and react-dom (npm install); missing: ${missing.join(', ')}`,
        );
      return;
    }
    res
      .set('content-security-policy', CONTENT_SECURITY_POLICY)
      .set('cache-control', 'no-store')
      .type('html')
      .send(page());
  });
  app.get(`${PATH}/assets/:name`, (req: Request<{ name: string }>, res: Response) => {
    const file = Object.hasOwn(files, req.params.name) ? files[req.params.name] : undefined;
    if (!file) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    res.sendFile(file, { maxAge: '1h' });
  });
  // A browser opening the endpoint itself gets the playground.
  app.get(ENDPOINT, (req, res, next) => {
    const wantsPage =
      req.query.query === undefined &&
      req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) ===
        'text/html';
    if (wantsPage) res.redirect(302, PATH);
    else next();
  });
}

function resolveAssets(): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(ASSETS).map(([name, [pkg, file]]) => {
      if (!pkg) return [name, join(__dirname, file)];
      try {
        const path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
        return [name, existsSync(path) ? path : null];
      } catch {
        return [name, null];
      }
    }),
  );
}

function page(): string {
  const config = JSON.stringify({ endpoint: ENDPOINT, defaultQuery: DEFAULT_QUERY }).replace(
    /</g,
    '\\u003c',
  );
  const asset = (name: string) => `${PATH}/assets/${name}`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Commerce supergraph · GraphiQL</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${asset('graphiql.min.css')}" />
    <link rel="stylesheet" href="${asset('playground.css')}" />
  </head>
  <body>
    <div id="graphiql">Loading the playground…</div>
    <script type="application/json" id="playground-config">${config}</script>
    <script src="${asset('react.production.min.js')}"></script>
    <script src="${asset('react-dom.production.min.js')}"></script>
    <script src="${asset('graphiql.min.js')}"></script>
    <script src="${asset('playground.js')}"></script>
  </body>
</html>
`;
}
