import { join } from 'node:path';
import type { NextConfig } from 'next';

// The app imports the repository's SDK (../../sdk) and shares its node_modules.
const root = join(__dirname, '..', '..');

const config: NextConfig = {
  outputFileTracingRoot: root,
  turbopack: { root },
  experimental: { externalDir: true },
  // `tsc -p apps/storefront` (CI, the pre-commit steps) checks the types; not again per build.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
