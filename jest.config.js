/** Tests run against a real PostgreSQL: the one in DATABASE_URL, or an embedded one
 * that test/global-setup.mjs starts when DATABASE_URL is unset. Each test file
 * creates its own database, so files run in parallel. */
const { readFileSync } = require('node:fs');

// The same compiler options as the production build (scripts/build.ts).
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/platform',
    '<rootDir>/subgraphs',
    '<rootDir>/router',
    '<rootDir>/test',
    '<rootDir>/scripts',
  ],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$|/node_modules/iso-3166/.+\\.js$': [
      '@swc/jest',
      { ...swc, sourceMaps: 'inline', swcrc: false },
    ],
  },
  // iso-3166 (location's subdivisions) is published as ES modules only: compiled like ours.
  transformIgnorePatterns: ['/node_modules/(?!iso-3166/)'],
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60000,
  // One worker on a 2-core machine (jest's default there, cores - 1): with two, 200
  // concurrent checkouts beside another platform test outran the 60 s subgraph deadline.
  maxWorkers: 1,
  // One worker alone would run in band, in jest's own process, and every file's platform
  // leaves some heap behind: 130 files of them aborted the run (exit 134, out of memory).
  // A memory limit makes jest use a child worker and replace it once it grows past this.
  workerIdleMemoryLimit: '1200MB',
};
