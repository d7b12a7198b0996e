import {
  federationMetadata,
  parseFieldSetArgument,
  type CompositeType,
  type Schema,
  type SelectionSet,
} from '@apollo/federation-internals';

/**
 * When a field's `@requires` sends the planner back into the subgraph that declares it,
 * the re-entry `_entities` fetch uses `getLocallySatisfiableKey`, which takes the first
 * `@key` of the type there without looking at `resolvable`. With
 * `@key(fields: "ref { carrier number }", resolvable: false)` listed first, the subgraph
 * gets a representation it cannot resolve, answers `null`, and the client gets a null
 * entity without an error. This prefers a resolvable key (the one the subgraph's
 * `__resolveReference` answers), falling back to the old choice when there is none.
 * Upstream: https://github.com/apollographql/federation/pull/3137 (the 2.14.4 code
 * here still takes the first key).
 *
 * buildPlan calls the function through @apollo/query-graphs' exports, which read
 * graphPath's exports object on each call: replacing it there reaches the planner.
 */
interface Vertex {
  type: CompositeType;
  source: string;
}
interface QueryGraph {
  sources: ReadonlyMap<string, Schema>;
}
type KeyPicker = (graph: QueryGraph, vertex: Vertex) => SelectionSet | undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const graphPathModule = require('@apollo/query-graphs/dist/graphPath') as {
  getLocallySatisfiableKey: KeyPicker & { resolvableFirst?: true };
};

const resolvableKeyFirst: KeyPicker = (graph, vertex) => {
  const schema = graph.sources.get(vertex.source);
  const metadata = schema && federationMetadata(schema);
  if (!metadata) return undefined;
  let fallback: SelectionSet | undefined;
  for (const key of vertex.type.appliedDirectivesOf(metadata.keyDirective())) {
    const selection = parseFieldSetArgument({ parentType: vertex.type, directive: key });
    if (metadata.selectionSelectsAnyExternalField(selection)) continue;
    if (key.arguments().resolvable !== false) return selection;
    fallback ??= selection;
  }
  return fallback;
};

export function preferResolvableKeys(): void {
  if (graphPathModule.getLocallySatisfiableKey.resolvableFirst) return;
  graphPathModule.getLocallySatisfiableKey = Object.assign(resolvableKeyFirst, {
    resolvableFirst: true as const,
  });
}
