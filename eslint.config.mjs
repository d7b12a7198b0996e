import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import local from './eslint/boundaries.mjs';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.data/**',
      'dist/**',
      'coverage/**',
      'apps/*/dist/**',
      'apps/*/.next/**',
      'apps/*/next-env.d.ts',
      'test/artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The router imports only platform/ and itself; a subgraph only platform/ and its own folder.
    files: ['platform/**/*.ts', 'router/**/*.ts', 'subgraphs/**/*.ts'],
    plugins: { local },
    rules: { 'local/boundaries': 'error' },
  },
  {
    // Runtime code logs through platform/logging (structured JSON), never console.*.
    files: ['platform/**/*.ts', 'router/**/*.ts', 'subgraphs/**/*.ts'],
    ignores: ['**/*.test.ts', 'platform/testing/**'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        globalThis: 'readonly',
        module: 'writable',
        require: 'readonly',
      },
    },
  },
  {
    // The CommonJS configuration files (jest.config.js) require what they read.
    files: ['**/*.js'],
    languageOptions: { globals: { __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read GraphQL responses loosely; the typed SDK is for clients.
    files: ['**/*.test.ts', 'test/**/*.ts', 'platform/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
