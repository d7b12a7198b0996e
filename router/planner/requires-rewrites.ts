import type { FetchDataKeyRenamer, FetchNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type FieldNode,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { REQUIRED_ALIAS_MARK, type RequiredAliases } from './required-aliases';

/**
 * The second half of required-aliases.ts, on each fetch of a plan: the representation a
 * subgraph gets names every aliased required field as the subgraph declared it (a
 * KeyRenamer input rewrite), and a fetch that needs one field under two argument sets
 * (`price(currency: "USD")` for one requiring field, `"EUR"` for another) is split into
 * fetches that each send one of them.
 */
interface Rename {
  parent: string[];
  alias: string;
  name: string;
}

function collectRenames(nodes: readonly QueryPlanSelectionNode[], parent: string[]): Rename[] {
  return nodes.flatMap((node) => {
    if (node.kind === 'InlineFragment') {
      const path = node.typeCondition ? [...parent, `... on ${node.typeCondition}`] : parent;
      return collectRenames(node.selections, path);
    }
    const key = node.alias ?? node.name;
    const nested = node.selections ? collectRenames(node.selections, [...parent, key]) : [];
    return node.alias?.includes(REQUIRED_ALIAS_MARK)
      ? [{ parent, alias: node.alias, name: node.name }, ...nested]
      : nested;
  });
}

const slotOf = (r: Rename) => `${r.parent.join('\u0000')}\u0000${r.name}`;

function renamers(renames: Rename[]): FetchDataKeyRenamer[] {
  return renames.map((r) => ({
    kind: 'KeyRenamer',
    path: [...r.parent, r.alias],
    renameKeyTo: r.name,
  }));
}

function withoutAliases(
  nodes: readonly QueryPlanSelectionNode[],
  dropped: ReadonlySet<string>,
): QueryPlanSelectionNode[] {
  return nodes
    .filter((n) => n.kind !== 'Field' || !n.alias || !dropped.has(n.alias))
    .map((n) =>
      n.selections ? { ...n, selections: withoutAliases(n.selections, dropped) } : n,
    ) as QueryPlanSelectionNode[];
}

interface Part {
  fields: Map<string, FieldNode[]>;
  aliases: Set<string>;
}

/** The fetch again with only `part`'s fields, the variables they use and their inputs. */
function fetchOfPart(fetch: FetchNode, op: OperationDefinitionNode, part: Part, all: Rename[]) {
  const entities = op.selectionSet.selections[0] as FieldNode;
  const fragments = entities
    .selectionSet!.selections.filter(
      (s): s is InlineFragmentNode => s.kind === Kind.INLINE_FRAGMENT,
    )
    .flatMap((s) => {
      const fields = part.fields.get(s.typeCondition?.name.value ?? '');
      return fields?.length
        ? [{ ...s, selectionSet: { ...s.selectionSet, selections: fields } }]
        : [];
    });
  const body: OperationDefinitionNode = {
    ...op,
    selectionSet: {
      ...op.selectionSet,
      selections: [
        { ...entities, selectionSet: { ...entities.selectionSet!, selections: fragments } },
      ],
    },
  };
  const used = new Set<string>();
  visit(body.selectionSet, { Variable: (v) => void used.add(v.name.value) });
  const operation: OperationDefinitionNode = {
    ...body,
    variableDefinitions: op.variableDefinitions?.filter((d) => used.has(d.variable.name.value)),
  };
  const dropped = new Set(all.map((r) => r.alias).filter((a) => !part.aliases.has(a)));
  const kept = all.filter((r) => part.aliases.has(r.alias));
  return {
    ...fetch,
    requires: withoutAliases(fetch.requires!, dropped),
    operation: stripIgnoredCharacters(print({ kind: Kind.DOCUMENT, definitions: [operation] })),
    operationDocumentNode: undefined,
    variableUsages: fetch.variableUsages?.filter((v) => used.has(v)),
    inputRewrites: [...(fetch.inputRewrites ?? []), ...renamers(kept)],
  } satisfies FetchNode;
}

/** Splits an `_entities` fetch so that no part needs two aliases for one slot. */
function split(fetch: FetchNode, all: Rename[], aliases: RequiredAliases): FetchNode[] | undefined {
  const document = parse(fetch.operation);
  const op = document.definitions[0];
  if (document.definitions.length !== 1 || op?.kind !== Kind.OPERATION_DEFINITION) return;
  const entities = op.selectionSet.selections[0];
  if (entities?.kind !== Kind.FIELD || entities.name.value !== '_entities') return;
  const slots = new Map(all.map((r) => [r.alias, slotOf(r)]));
  const parts: Part[] = [];
  for (const selection of entities.selectionSet?.selections ?? []) {
    // Named fragment spreads and untyped fragments are not split; they stay in the first part.
    const type = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition?.name.value : '';
    const fields: readonly SelectionNode[] =
      selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet.selections : [selection];
    for (const field of fields) {
      const needs =
        field.kind === Kind.FIELD
          ? [...(aliases.get(`${fetch.serviceName}.${type}.${field.name.value}`) ?? [])].filter(
              (a) => slots.has(a),
            )
          : [];
      const fits = (p: Part) =>
        needs.every((a) => [...p.aliases].every((b) => a === b || slots.get(a) !== slots.get(b)));
      let part = parts.find(fits);
      if (!part) parts.push((part = { fields: new Map(), aliases: new Set() }));
      for (const a of needs) part.aliases.add(a);
      const list = part.fields.get(type ?? '') ?? [];
      part.fields.set(type ?? '', [...list, field as FieldNode]);
    }
  }
  if (parts.length < 2) return;
  return parts.map((part, i) => ({
    ...fetchOfPart(fetch, op, part, all),
    id: i === 0 ? fetch.id : undefined,
  }));
}

export function rewriteRequires(fetch: FetchNode, aliases: RequiredAliases): FetchNode[] {
  if (!fetch.requires) return [fetch];
  const renames = collectRenames(fetch.requires, []);
  if (renames.length === 0) return [fetch];
  const bySlot = new Map<string, Set<string>>();
  for (const r of renames) bySlot.set(slotOf(r), (bySlot.get(slotOf(r)) ?? new Set()).add(r.alias));
  const conflicting = [...bySlot.values()].some((set) => set.size > 1);
  const parts = conflicting ? split(fetch, renames, aliases) : undefined;
  if (parts) return parts;
  return [{ ...fetch, inputRewrites: [...(fetch.inputRewrites ?? []), ...renamers(renames)] }];
}
