import { readFileSync } from 'node:fs';
import { Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';

/**
 * The composed supergraph as the router's own executors need it: the planner, the
 * client-facing API schema, and the full supergraph schema the plan executor reads.
 */
export interface LoadedSupergraph {
  sdl: string;
  planner: QueryPlanner;
  apiSchema: Schema;
  apiGraphQLSchema: GraphQLSchema;
  supergraphGraphQLSchema: GraphQLSchema;
  subgraphUrls: Record<string, string>;
}

export function loadSupergraph(path: string): LoadedSupergraph {
  const sdl = readFileSync(path, 'utf8');
  const supergraph = Supergraph.build(sdl);
  const apiSchema = supergraph.apiSchema();
  return {
    sdl,
    planner: new QueryPlanner(supergraph),
    apiSchema,
    apiGraphQLSchema: apiSchema.toGraphQLJSSchema(),
    supergraphGraphQLSchema: supergraph.schema.toGraphQLJSSchema(),
    subgraphUrls: Object.fromEntries(supergraph.subgraphsMetadata().map((s) => [s.name, s.url])),
  };
}
