/**
 * `npm run codegen:check` (CI): regenerates everything `npm run codegen` writes, in
 * memory, and fails when a committed file differs, is missing, or is left over. It runs
 * graphql-codegen itself, so an SDK operation that no longer validates against the API
 * schema (a field it uses was removed) fails here too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { existingGeneratedFiles, generateAll, ROOT } from './codegen';

export interface Drift {
  path: string;
  problem: 'differs' | 'missing' | 'not generated';
}

export async function findDrift(root = ROOT): Promise<Drift[]> {
  const expected = await generateAll();
  const drift: Drift[] = [];
  for (const [path, content] of expected) {
    const file = join(root, path);
    if (!existsSync(file)) drift.push({ path, problem: 'missing' });
    else if (readFileSync(file, 'utf8') !== content) drift.push({ path, problem: 'differs' });
  }
  for (const path of existingGeneratedFiles(root)) {
    if (!expected.has(path)) drift.push({ path, problem: 'not generated' });
  }
  return drift;
}

async function main(): Promise<void> {
  let drift: Drift[];
  try {
    drift = await findDrift();
  } catch (error) {
    console.error('codegen:check: generation failed (does every SDK operation still validate?)');
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  if (drift.length) {
    console.error(
      'codegen:check: generated files are out of date; run `npm run codegen` and commit:',
    );
    for (const { path, problem } of drift) console.error(`  ${path}: ${problem}`);
    process.exit(1);
  }
  console.log('codegen:check: generated files are up to date');
}

if (require.main === module) void main();
