/**
 * Builds the admin panel into apps/admin/dist with Vite's JS API (`npm run build:admin`).
 * serve.ts runs this file in a child process: Vite is an ES module, which Jest's module
 * loader (where the end-to-end tests start the server) cannot load.
 */
import { join } from 'node:path';

export const ADMIN_ROOT = __dirname;
export const ADMIN_DIST = join(__dirname, 'dist');

export async function buildAdmin(): Promise<void> {
  // Loaded as ES modules: through require() (Node 20's require(esm)) Vite 8's build breaks.
  const { build } = await import('vite');
  const { default: react } = await import('@vitejs/plugin-react');
  await build({
    root: ADMIN_ROOT,
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir: ADMIN_DIST,
      emptyOutDir: true,
      // Every browser the panel supports preloads modules natively; the polyfill's import
      // does not resolve through the worktrees' symlinked node_modules either.
      modulePreload: { polyfill: false },
      // antd and recharts make one large vendor chunk; the panel is an internal tool.
      chunkSizeWarningLimit: 4000,
    },
  });
}

if (require.main === module) {
  const started = Date.now();
  buildAdmin().then(
    () => console.log(`admin built into ${ADMIN_DIST} (${Date.now() - started} ms)`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
