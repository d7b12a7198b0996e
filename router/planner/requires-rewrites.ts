import type { FetchDataKeyRenamer, FetchNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
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
  /** By selection of `_entities`: the fields of it this part keeps. */
  fields: Map<SelectionNode, SelectionNode[]>;
  aliases: Set<string>;
}

/** The named fragments `root` spreads, directly or through other fragments. */
function usedFragments(root: OperationDefinitionNode, all: FragmentDefinitionNode[]) {
  const byName = new Map(all.map((f) => [f.name.value, f]));
  const used = new Set<string>();
  const walk = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread: (spread) => {
        const name = spread.name.value;
        if (used.has(name) || !byName.has(name)) return;
        used.add(name);
        walk(byName.get(name)!);
      },
    });
  walk(root);
  return all.filter((f) => used.has(f.name.value));
}

/** The fetch again with only `part`'s fields, the variables they use and their inputs. */
function fetchOfPart(
  fetch: FetchNode,
  op: OperationDefinitionNode,
  fragments: FragmentDefinitionNode[],
  part: Part,
  all: Rename[],
): FetchNode {
  const entities = op.selectionSet.selections[0] as FieldNode;
  const selections = entities.selectionSet!.selections.flatMap((s): SelectionNode[] => {
    const kept = part.fields.get(s);
    if (!kept?.length) return [];
    return s.kind === Kind.INLINE_FRAGMENT
      ? [{ ...s, selectionSet: { ...s.selectionSet, selections: kept } }]
      : [s];
  });
  const body: OperationDefinitionNode = {
    ...op,
    selectionSet: {
      ...op.selectionSet,
      selections: [{ ...entities, selectionSet: { ...entities.selectionSet!, selections } }],
    },
  };
  const definitions = [body, ...usedFragments(body, fragments)];
  const used = new Set<string>();
  for (const d of definitions) visit(d, { Variable: (v) => void used.add(v.name.value) });
  const operation: OperationDefinitionNode = {
    ...body,
    variableDefinitions: op.variableDefinitions?.filter((d) => used.has(d.variable.name.value)),
  };
  const dropped = new Set(all.map((r) => r.alias).filter((a) => !part.aliases.has(a)));
  const kept = all.filter((r) => part.aliases.has(r.alias));
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...definitions.slice(1)],
  };
  return {
    ...fetch,
    requires: withoutAliases(fetch.requires!, dropped),
    operation: stripIgnoredCharacters(print(document)),
    operationDocumentNode: undefined,
    variableUsages: fetch.variableUsages?.filter((v) => used.has(v)),
    inputRewrites: [...(fetch.inputRewrites ?? []), ...renamers(kept)],
  };
}

/** Splits an `_entities` fetch so that no part needs two aliases for one slot. */
function split(fetch: FetchNode, all: Rename[], aliases: RequiredAliases): FetchNode[] | undefined {
  const document = parse(fetch.operation);
  const ops = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  const op = ops[0];
  if (ops.length !== 1 || !op) return;
  const entities = op.selectionSet.selections[0];
  if (entities?.kind !== Kind.FIELD || entities.name.value !== '_entities') return;
  const slots = new Map(all.map((r) => [r.alias, slotOf(r)]));
  const parts: Part[] = [];
  for (const selection of entities.selectionSet?.selections ?? []) {
    // Fields are split inside `... on Type`; a named fragment spread stays whole (it may
    // still hold both conflicting fields: the planner reuses the client's fragments).
    const inline = selection.kind === Kind.INLINE_FRAGMENT ? selection : undefined;
    const type = inline?.typeCondition?.name.value ?? '';
    for (const field of inline ? inline.selectionSet.selections : [selection]) {
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
      part.fields.set(selection, [...(part.fields.get(selection) ?? []), field]);
    }
  }
  if (parts.length < 2) return;
  return parts.map((part, i) => ({
    ...fetchOfPart(fetch, op, fragments, part, all),
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
