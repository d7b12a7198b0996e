/** Tests run against a real PostgreSQL: the one in DATABASE_URL, or an embedded one
 * that test/global-setup.mjs starts when DATABASE_URL is unset. Each test file
 * creates its own database, so files run in parallel. */
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
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60000,
  // Some background jobs started by this session's reconcilers and session guards keep a
  // handle open after their tests stop; until each is unref'd or stopped (see the session
  // note), end the run when the tests are done instead of hanging CI.
  forceExit: true,
};
