import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

/**
 * Serves the built admin panel (apps/admin/dist): static files, index.html for every other
 * path (the panel routes itself), and /config.js telling the page the router's GraphQL URL
 * at run time, so one build works in every installation.
 */
export interface AdminServerOptions {
  /** The router's endpoint as the browser reaches it, e.g. http://localhost:4000/graphql. */
  graphqlUrl: string;
  /** Default 3001; 0 picks a free port. */
  port?: number;
  host?: string;
}

export interface AdminServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const ROOT = __dirname;
const DIST = join(ROOT, 'dist');
const SOURCES = [
  join(ROOT, 'src'),
  join(ROOT, 'index.html'),
  join(ROOT, 'build.ts'),
  join(ROOT, '..', '..', 'sdk'),
];
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (latest, name) => Math.max(latest, newest(join(path, name))),
    stat.mtimeMs,
  );
}

/** True when dist is missing or older than a source file. */
export function adminBuildIsStale(): boolean {
  const built = join(DIST, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((source) => newest(source) > builtAt);
}

/** Runs build.ts (Vite's JS API) in a child process; see there why not in this one. */
export function buildAdmin(): Promise<void> {
  const tsx = join(ROOT, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsx, join(ROOT, 'build.ts')], { stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`admin build exited with ${code}`)),
    );
  });
}

export async function serveAdmin(options: AdminServerOptions): Promise<AdminServer> {
  if (adminBuildIsStale()) await buildAdmin();
  const config = `window.__ADMIN_CONFIG__ = ${JSON.stringify({ graphqlUrl: options.graphqlUrl })};\n`;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://admin').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/config.js') {
      res
        .writeHead(200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-store' })
        .end(config);
      return;
    }
    const file = resolve(DIST, normalize(`.${path}`));
    const inside = file.startsWith(DIST + sep);
    const asset = inside && existsSync(file) && statSync(file).isFile();
    // Unknown paths are the panel's own pages: index.html, which the app routes.
    const target = asset ? file : join(DIST, 'index.html');
    res.writeHead(asset || !extname(path) ? 200 : 404, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      // Hashed asset names change with their content; index.html must always be fresh.
      'cache-control': target.includes(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(target).pipe(res);
  });
  await new Promise<void>((listening, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 3001, options.host ?? '0.0.0.0', () => listening());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
