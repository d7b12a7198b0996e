import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Runs the storefront: builds it when the build is missing or older than its sources (or
 * the SDK it imports), then serves it with `next start` in a child process. A child of its
 * own because Next's App Router runs its bundled React 19 and patches globals such as fetch,
 * which a host process (the platform, a Jest worker) should not share.
 */
export interface StorefrontOptions {
  /** The router's GraphQL endpoint as the storefront's server reaches it. */
  routerUrl: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** The router as browsers reach it; default routerUrl. */
  browserRouterUrl?: string;
  /** Print Next's output (npm start) instead of keeping it for error messages (tests). */
  inheritOutput?: boolean;
}

export interface Storefront {
  url: string;
  stop(): Promise<void>;
}

export const STOREFRONT_DIR = __dirname;
const REPO = join(__dirname, '..', '..');
const SOURCES = [STOREFRONT_DIR, join(REPO, 'sdk')];
// Not part of the Next app: changing how it is served needs no new build.
const SKIP = new Set(['.next', 'node_modules', 'serve.ts', 'lifeline.cjs']);
const NEXT_BIN = require.resolve('next/dist/bin/next');
const LIFELINE = join(__dirname, 'lifeline.cjs');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when there is no production build, or a source changed after it. */
export function storefrontBuildStale(): boolean {
  const buildId = join(STOREFRONT_DIR, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return SOURCES.some((dir) => newestSource(dir) > built);
}

function run(args: string[], env: NodeJS.ProcessEnv, inherit: boolean): ChildProcess {
  return spawn(process.execPath, ['--require', LIFELINE, NEXT_BIN, ...args], {
    cwd: STOREFRONT_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: inherit ? 'inherit' : 'pipe',
  });
}

function collect(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

/**
 * `next build` with webpack: Turbopack refuses a node_modules that is a symlink out of
 * the repository (git worktrees share one), webpack follows it.
 */
export async function buildStorefront(inheritOutput = false): Promise<void> {
  const child = run(['build', '--webpack'], { NODE_ENV: 'production' }, inheritOutput);
  const output = collect(child);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`storefront build failed (exit ${code}):\n${output()}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`storefront exited:\n${output()}`);
    try {
      const response = await fetch(`${url}/robots.txt`);
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`storefront did not answer on ${url} within 60 s:\n${output()}`);
}

export async function serveStorefront(options: StorefrontOptions): Promise<Storefront> {
  const inherit = options.inheritOutput ?? false;
  if (storefrontBuildStale()) await buildStorefront(inherit);
  const port = options.port === 0 ? await freePort() : (options.port ?? 3000);
  const url = `http://localhost:${port}`;
  const child = run(
    ['start', '--port', String(port), '--hostname', '127.0.0.1'],
    {
      NODE_ENV: 'production',
      STOREFRONT_ROUTER_URL: options.routerUrl,
      STOREFRONT_BROWSER_ROUTER_URL: options.browserRouterUrl ?? options.routerUrl,
      STOREFRONT_SITE_URL: url,
    },
    inherit,
  );
  const output = collect(child);
  // A host that exits without stop() (process.exit in a signal handler) takes Next along.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  try {
    await waitUntilServing(url, child, output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
