import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentNode } from 'graphql';
import { gql } from 'graphql-tag';

export const PREAMBLE_PATH = join(__dirname, 'preamble.graphql');

/** The shared SDL preamble followed by a subgraph's own `schema.graphql`. */
export function subgraphTypeDefs(schemaPath: string): DocumentNode {
  return gql(`${readFileSync(PREAMBLE_PATH, 'utf8')}\n${readFileSync(schemaPath, 'utf8')}`);
}
