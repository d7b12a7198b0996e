import { readFileSync } from 'node:fs';
import type { Schema } from '@apollo/federation-internals';
import type { QueryPlanner } from '@apollo/query-planner';
import { Kind, parse, valueFromASTUntyped, type GraphQLSchema } from 'graphql';
import { supergraphPlanning } from './supergraph-planning';

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
  /** The list sizes the subgraphs declared (`@listSize`), by `Type.field`, for the cost. */
  listSizes: DeclaredListSizes;
}

export interface DeclaredListSize {
  /** Items the list is expected to hold when no slicing argument says. */
  assumedSize?: number;
  /** Arguments whose value is the number of items (`first`, `limit`, …). */
  slicingArguments?: string[];
}

export type DeclaredListSizes = Readonly<Record<string, DeclaredListSize>>;

export function loadSupergraph(path: string): LoadedSupergraph {
  return buildSupergraph(readFileSync(path, 'utf8'));
}

/** Throws when the text is not a valid supergraph (router/reload refuses it then). */
export function buildSupergraph(sdl: string): LoadedSupergraph {
  // The same objects the gateway and @defer plan with (router/supergraph-planning.ts).
  const planning = supergraphPlanning(sdl);
  return {
    sdl,
    // Built when first asked: by then the gateway has usually built it (and it is adopted).
    get planner() {
      return planning.planner;
    },
    apiSchema: planning.apiSchema,
    apiGraphQLSchema: planning.apiGraphQLSchema(),
    supergraphGraphQLSchema: planning.supergraphGraphQLSchema,
    subgraphUrls: Object.fromEntries(
      planning.supergraph.subgraphsMetadata().map((s) => [s.name, s.url]),
    ),
    listSizes: declaredListSizes(sdl),
  };
}

/**
 * `@listSize(assumedSize:, slicingArguments:)` of every field of the supergraph (the cost
 * spec, https://specs.apollo.dev/cost/v0.1, composed from the subgraphs' declarations),
 * under the name the supergraph's `@link` imports it as.
 */
export function declaredListSizes(sdl: string): DeclaredListSizes {
  const document = parse(sdl);
  let directive = 'listSize';
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION)
      continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = Object.fromEntries(
        (link.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]),
      ) as { url?: string; as?: string; import?: unknown[] };
      if (!args.url?.startsWith('https://specs.apollo.dev/cost/')) continue;
      directive = `${(args.as ?? 'cost').replace(/^@/, '')}__listSize`;
      for (const entry of args.import ?? []) {
        if (entry === '@listSize') directive = 'listSize';
        const renamed = entry as { name?: string; as?: string };
        if (renamed?.name === '@listSize') directive = (renamed.as ?? '@listSize').slice(1);
      }
    }
  }
  const sizes: Record<string, DeclaredListSize> = {};
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      const declared = field.directives?.find((d) => d.name.value === directive);
      if (!declared) continue;
      const args = Object.fromEntries(
        (declared.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]),
      ) as { assumedSize?: number; slicingArguments?: string[] };
      sizes[`${definition.name.value}.${field.name.value}`] = {
        ...(typeof args.assumedSize === 'number' ? { assumedSize: args.assumedSize } : {}),
        ...(Array.isArray(args.slicingArguments)
          ? { slicingArguments: args.slicingArguments.map(String) }
          : {}),
      };
    }
  }
  return sizes;
}
