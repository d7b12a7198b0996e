import { GraphQLError } from 'graphql';
import type { QueryPlan } from '@apollo/query-planner';
import { unresolvableFieldsOf, type UnresolvableField } from './unresolvable-fields';

/**
 * Turns the fields unresolvable-fields.ts planned around into field errors: each one the
 * answer holds (null, since nothing fetched it) gets an error at its path, as the GraphQL
 * spec requires of a field that could not be resolved, while the rest of the answer stays.
 */
export const UNRESOLVABLE_FIELD = 'UNRESOLVABLE_FIELD';

type Json = unknown;

function errorsAt(
  value: Json,
  field: UnresolvableField,
  depth: number,
  at: (string | number)[],
  out: GraphQLError[],
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => errorsAt(item, field, depth, [...at, i], out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const key = field.path[depth]!;
  if (!(key in value)) return;
  if (depth < field.path.length - 1) {
    errorsAt((value as Record<string, Json>)[key], field, depth + 1, [...at, key], out);
    return;
  }
  out.push(unresolvable(field.name, [...at, key]));
}

function unresolvable(name: string, path: (string | number)[]): GraphQLError {
  return new GraphQLError(
    `Cannot resolve field "${name}" here: no subgraph can provide it ` +
      'for this object (its only source cannot be reached by a resolvable @key).',
    { path, extensions: { code: UNRESOLVABLE_FIELD } },
  );
}

export function unresolvableFieldErrors(plan: QueryPlan, data: Json): GraphQLError[] {
  const fields = unresolvableFieldsOf(plan);
  if (!fields) return [];
  const errors: GraphQLError[] = [];
  for (const field of fields) {
    const before = errors.length;
    errorsAt(data, field, 0, [], errors);
    // Nulled higher up (a non-null field bubbled): the error still names the field.
    if (errors.length === before) errors.push(unresolvable(field.name, field.path));
  }
  return errors;
}
