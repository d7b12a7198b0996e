import { createHash } from 'node:crypto';
import type { QueryPlanner } from '@apollo/query-planner';
import type { Field, SelectionSet } from '@apollo/federation-internals';

/**
 * Gives every field of a `@requires` selection that takes arguments an alias of its own,
 * in the planner's query graph, before any plan is built.
 *
 * Why: the planner merges selections by response name and ignores arguments, so a
 * required `comments(limit: 3)` and the client's `comments(limit: 1)` become one field
 * (the client gets three comments), and `price(currency: "USD")` required by one field and
 * `price(currency: "EUR")` by another become one (each estimate gets the other's price).
 * Upstream: https://github.com/apollographql/federation/issues/2996 (adding a field changes
 * another's value, @requires with arguments), #2276; the two-argument-sets case is
 * https://github.com/graphql-hive/federation-gateway-audit/pull/138.
 * With an alias per (field, arguments), each application is fetched under its own key;
 * requires-rewrites.ts renames it back in the representation the subgraph gets.
 */
export const REQUIRED_ALIAS_MARK = '__required_';

/** The aliases a requiring field's selection reads, by `subgraph.Type.field`. */
export type RequiredAliases = ReadonlyMap<string, ReadonlySet<string>>;

interface QueryGraphEdge {
  head: { source: string; type: { name: string } };
  transition: { kind: string; definition?: { name: string } };
  conditions?: SelectionSet;
  _conditions?: SelectionSet;
}

interface PlannerInternals {
  federatedQueryGraph: { allEdges(): Iterable<QueryGraphEdge> };
}

function aliasFor(field: Field): string {
  const applied = field.withUpdatedAlias(undefined).toString();
  const digest = createHash('sha256').update(applied).digest('hex').slice(0, 10);
  return `${field.name}${REQUIRED_ALIAS_MARK}${digest}`;
}

function withAliasedArgumentFields(set: SelectionSet, aliases: Set<string>): SelectionSet {
  return set.lazyMap((selection) => {
    const nested = selection.selectionSet
      ? withAliasedArgumentFields(selection.selectionSet, aliases)
      : undefined;
    if (selection.kind !== 'FieldSelection') return selection.withUpdatedSelectionSet(nested!);
    const field = selection.element;
    // A field that declares arguments is aliased even when the requirement leaves them to
    // their defaults: the client may still ask for the same field with other values.
    if (field.alias || field.definition.arguments().length === 0)
      return nested ? selection.withUpdatedSelectionSet(nested) : selection;
    const alias = aliasFor(field);
    aliases.add(alias);
    return selection.withUpdatedComponents(field.withUpdatedAlias(alias), nested);
  });
}

/** Rewrites the planner's `@requires` conditions in place; returns what each field reads. */
export function aliasRequiredArgumentFields(planner: QueryPlanner): RequiredAliases {
  const graph = (planner as unknown as PlannerInternals).federatedQueryGraph;
  const byField = new Map<string, Set<string>>();
  for (const edge of graph.allEdges()) {
    // Conditions on a field edge are that field's @requires (keys sit on key edges).
    if (edge.transition.kind !== 'FieldCollection' || !edge.conditions) continue;
    const aliases = new Set<string>();
    const rewritten = withAliasedArgumentFields(edge.conditions, aliases);
    if (aliases.size === 0) continue;
    edge._conditions = rewritten;
    byField.set(
      `${edge.head.source}.${edge.head.type.name}.${edge.transition.definition!.name}`,
      aliases,
    );
  }
  return byField;
}
