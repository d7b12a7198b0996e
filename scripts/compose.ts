/**
 * Writes schema/supergraph.graphql from the subgraphs' SDL (`npm run compose`), or with
 * --check fails when the committed file differs from what composition produces now.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSubgraphs } from './composition';

const target = join(__dirname, '..', 'schema', 'supergraph.graphql');
const check = process.argv.includes('--check');

const supergraph = composeSubgraphs();
if (check) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (committed !== supergraph) {
    console.error('schema/supergraph.graphql is out of date: run `npm run compose` and commit it.');
    process.exit(1);
  }
  console.log('supergraph is up to date');
} else {
  writeFileSync(target, supergraph);
  console.log(`wrote ${target}`);
}
