import {
  operationFromDocument,
  operationToDocument,
  type Operation,
} from '@apollo/federation-internals';
import type { QueryPlan } from '@apollo/query-planner';
import {
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * A field no subgraph can resolve where the client asked for it: e.g. a field an
 * `@interfaceObject` adds whose `@key` is `resolvable: false`, asked on an entity another
 * subgraph returned (a supergraph that composers without the satisfiability check, such
 * as graphql-hive's, accept). The planner gives up on the whole operation ("Was not able
 * to find any options for …", an INTERNAL_SERVER_ERROR with no data). The GraphQL spec
 * wants a field error instead: that field null with an error at its path, the rest of the
 * answer intact. So the router plans the operation without the field and records where
 * it was asked (field-errors.ts turns that into errors).
 * The case is graphql-hive's gateway audit suite "non-resolvable-interface-object"
 * (https://github.com/graphql-hive/federation-gateway-audit/pull/16); no upstream
 * apollographql/federation issue was found for it.
 */
export interface UnresolvableField {
  /** Response names from the root to the field, the field's own last. */
  path: string[];
  /** The field's name (its response name may be an alias). */
  name: string;
}

const NO_OPTIONS = /^Was not able to find any options for (.+): This shouldn't have happened\.$/s;
const MAX_PRUNED = 16;
const unresolvableByPlan = new WeakMap<QueryPlan, UnresolvableField[]>();

export function unresolvableFieldsOf(plan: QueryPlan): UnresolvableField[] | undefined {
  return unresolvableByPlan.get(plan);
}

interface Candidate {
  node: FieldNode;
  path: string[];
}

function fieldsOf(set: SelectionSetNode, path: string[], out: Candidate[]): Candidate[] {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const here = [...path, selection.alias?.value ?? selection.name.value];
      out.push({ node: selection, path: here });
      if (selection.selectionSet) fieldsOf(selection.selectionSet, here, out);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldsOf(selection.selectionSet, path, out);
    }
  }
  return out;
}

/** The fields the planner's message names (`alias: name(args) { … }` as it prints them). */
function candidatesFor(document: DocumentNode, printed: string): Candidate[] {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) return [];
  return fieldsOf(operation.selectionSet, [], []).filter(({ node }) => {
    const head = `${node.alias ? `${node.alias.value}: ` : ''}${node.name.value}`;
    return printed === head || printed.startsWith(`${head}(`) || printed.startsWith(`${head} `);
  });
}

function withoutField(document: DocumentNode, target: FieldNode): DocumentNode {
  const removed = visit(document, { Field: (node) => (node === target ? null : undefined) });
  // A selection left empty keeps `__typename`, which the client did not ask for and the
  // gateway therefore leaves out of the answer.
  return visit(removed, {
    SelectionSet: {
      leave: (set) =>
        set.selections.length > 0
          ? undefined
          : {
              ...set,
              selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }],
            },
    },
  });
}

const fieldOf = (c: Candidate): UnresolvableField => ({ path: c.path, name: c.node.name.value });

function unresolvedSelection(error: unknown): string | undefined {
  return error instanceof Error ? NO_OPTIONS.exec(error.message)?.[1] : undefined;
}

/**
 * Plans `operation`; when the planner finds no way to resolve a field, plans it again
 * without that field (one at a time, at most MAX_PRUNED) and records the field's path.
 */
export function planWithoutUnresolvableFields(
  operation: Operation,
  build: (operation: Operation) => QueryPlan,
): QueryPlan {
  let firstError: unknown;
  try {
    return build(operation);
  } catch (error) {
    if (!unresolvedSelection(error)) throw error;
    firstError = error;
  }
  const schema = operation.schema();
  let document = operationToDocument(operation.expandAllFragments());
  let printed = unresolvedSelection(firstError)!;
  const pruned: UnresolvableField[] = [];
  while (pruned.length < MAX_PRUNED) {
    let next: { document: DocumentNode; field: Candidate; printed?: string } | undefined;
    for (const candidate of candidatesFor(document, printed)) {
      const without = withoutField(document, candidate.node);
      try {
        const plan = build(
          operationFromDocument(schema, without, { operationName: operation.name }),
        );
        unresolvableByPlan.set(plan, [...pruned, fieldOf(candidate)]);
        return plan;
      } catch (error) {
        const still = unresolvedSelection(error);
        if (!still) throw error;
        // Another field is unresolvable too: keep this one out and go on with that one.
        if (still !== printed) next = { document: without, field: candidate, printed: still };
      }
      if (next) break;
    }
    if (!next) throw firstError;
    document = next.document;
    pruned.push(fieldOf(next.field));
    printed = next.printed!;
  }
  throw firstError;
}
