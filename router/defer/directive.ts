import {
  DirectiveLocation,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLNonNull,
  GraphQLSchema,
  GraphQLString,
  visit,
  BREAK,
  type DocumentNode,
} from 'graphql';

/**
 * `@defer` as the incremental delivery RFC defines it (graphql-js 16 has no definition of
 * its own; 17 adds this one). The router's API schema declares it so that Apollo Server
 * validates deferred queries instead of refusing the directive as unknown.
 */
export const deferDirective = new GraphQLDirective({
  name: 'defer',
  description: 'Delivers this fragment after the rest of the response (incremental delivery).',
  locations: [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
  args: {
    if: { type: new GraphQLNonNull(GraphQLBoolean), defaultValue: true },
    label: { type: GraphQLString },
  },
});

const withDefer = new WeakMap<GraphQLSchema, GraphQLSchema>();

/** The schema with `@defer` declared (the same object each time for one schema). */
export function withDeferDirective(schema: GraphQLSchema): GraphQLSchema {
  if (schema.getDirective('defer')) return schema;
  let extended = withDefer.get(schema);
  if (!extended) {
    const config = schema.toConfig();
    extended = new GraphQLSchema({ ...config, directives: [...config.directives, deferDirective] });
    withDefer.set(schema, extended);
    originals.set(extended, schema);
  }
  return extended;
}

const originals = new WeakMap<GraphQLSchema, GraphQLSchema>();

/** The schema withDeferDirective extended (the gateway's own), or `schema` itself. */
export function withoutDeferDirective(schema: GraphQLSchema): GraphQLSchema {
  return originals.get(schema) ?? schema;
}

const deferring = new WeakMap<DocumentNode, boolean>();

/**
 * True when some fragment of the document carries `@defer` (whatever its `if`). Asked of
 * every query; Apollo Server reuses a parsed document per query text, so once each.
 */
export function usesDefer(document: DocumentNode): boolean {
  const known = deferring.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  deferring.set(document, found);
  return found;
}

/** The document with every `@defer` removed: the same query, answered in one part. */
export function withoutDefer(document: DocumentNode): DocumentNode {
  return visit(document, {
    Directive(node) {
      return node.name.value === 'defer' ? null : undefined;
    },
  }) as DocumentNode;
}
