import { execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Issue 11's skeleton: every subgraph folder holds the same files, and no hand-written file grows past 400 lines. */
const ROOT = join(__dirname, '..');
const SUBGRAPHS = join(ROOT, 'subgraphs');
const REQUIRED = [
  'schema.graphql',
  'resolvers.ts',
  'service.ts',
  'entities.ts',
  'migrations',
  'loaders.ts',
  'errors.ts',
  'index.ts',
  'README.md',
];
const MAX_LINES = 400;

const domains = readdirSync(SUBGRAPHS).filter((name) =>
  statSync(join(SUBGRAPHS, name)).isDirectory(),
);

describe('subgraph skeleton', () => {
  it('finds the eight domains', () => {
    expect(domains).toEqual(
      expect.arrayContaining([
        'catalog',
        'fulfillment',
        'identity',
        'inventory',
        'location',
        'orders',
        'payments',
        'pricing',
        'promotions',
        'shipping',
      ]),
    );
  });

  it.each(domains)('%s has every skeleton file', (name) => {
    const missing = REQUIRED.filter((file) => !existsSync(join(SUBGRAPHS, name, file)));
    expect(missing).toEqual([]);
    const tests = readdirSync(join(SUBGRAPHS, name), { recursive: true }).filter((f) =>
      String(f).endsWith('.test.ts'),
    );
    expect(tests.length).toBeGreaterThan(0);
  });

  it.each(domains)('%s lists its error codes in errors.ts, keys equal to values', async (name) => {
    const errors = (await import(join(SUBGRAPHS, name, 'errors.ts'))) as Record<string, unknown>;
    const lists = Object.values(errors).filter(
      (value): value is Record<string, string> =>
        typeof value === 'object' &&
        value !== null &&
        Object.getPrototypeOf(value) === Object.prototype,
    );
    expect(lists.length).toBe(1);
    const codes = lists[0]!;
    expect(Object.keys(codes).length).toBeGreaterThan(0);
    for (const [key, value] of Object.entries(codes)) expect(value).toBe(key);
  });

  it.each(domains)('%s/README.md says what it owns, its events and its settings', (name) => {
    const readme = readFileSync(join(SUBGRAPHS, name, 'README.md'), 'utf8').toLowerCase();
    for (const word of ['own', 'event', 'setting']) expect(readme).toContain(word);
  });

  it('has no hand-written source file over 400 lines', () => {
    const files = execSync('git ls-files -co --exclude-standard "*.ts" "*.tsx" "*.mjs"', {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => file && !file.includes('/generated/') && existsSync(join(ROOT, file)));
    const long = files
      .map((file) => ({
        file,
        lines: readFileSync(join(ROOT, file), 'utf8').split('\n').length - 1,
      }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});
