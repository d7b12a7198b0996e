import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, setting } from '../platform/config';

/**
 * `npm start`'s screens: the storefront (3000) and the admin panel (3001), each built when
 * its sources changed. They are served from the source tree; the compiled platform
 * (`npm run build`, the image) has no apps/ beside it and starts without them. The API
 * works without either: a failed build or a taken port is reported, not fatal.
 */
export async function serveScreens(routerPort: number, portOffset: number): Promise<void> {
  if (!existsSync(join(__dirname, '..', 'apps'))) {
    console.log('screens: not part of this build (npm start serves them from the source tree)');
    return;
  }
  const config = loadConfig({ ADMIN_PORT: setting.port(3001) });
  const graphqlUrl = `http://localhost:${routerPort}/graphql`;
  // Loaded only here: the compiled platform has no apps/ to load them from.
  const { serveAdmin } = await import('../apps/admin/serve.js');
  await serveAdmin({ port: config.ADMIN_PORT + portOffset, graphqlUrl }).then(
    (admin) => console.log(`admin http://localhost:${admin.port}`),
    (error: unknown) => console.error('admin panel not served:', error),
  );
  // Its Next process stops with this one (apps/storefront/serve.ts).
  const { serveStorefront } = await import('../apps/storefront/serve.js');
  await serveStorefront({
    routerUrl: graphqlUrl,
    port: 3000 + portOffset,
    inheritOutput: true,
  }).then(
    (storefront) => console.log(`storefront ${storefront.url}`),
    (error: Error) => console.error(`storefront not started: ${error.message}`),
  );
}
