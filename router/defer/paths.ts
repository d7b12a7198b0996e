import {
  Kind,
  parse,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';

/**
 * A deferred part's selection (the planner's `subselection`, relative to the part's
 * `queryPath`) as an operation from the root, so that @apollo/gateway's result shaping
 * can shape that part alone: `["product"]` and `{ rating { average } }` give
 * `query Page($slug: String!) { product(slug: $slug) { rating { average } } }`, with the
 * path's fields as the client wrote them (alias, name, arguments) and its variables.
 */
export function partDocument(
  document: DocumentNode,
  operationName: string | null | undefined,
  queryPath: readonly string[],
  subselection: string | undefined,
): DocumentNode {
  const operation = operationOf(document, operationName);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);

  let innermost: readonly SelectionNode[] = subselection ? selectionsOf(subselection) : [];
  // Walk down the client's selections to find each path step, then wrap from the inside.
  const steps: ((inner: readonly SelectionNode[]) => SelectionNode)[] = [];
  let level: readonly SelectionNode[] = operation.selectionSet.selections;
  for (const step of queryPath) {
    if (step.startsWith('... on ')) {
      const typeName = step.slice('... on '.length);
      steps.push((inner) => ({
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typeName } },
        selectionSet: { kind: Kind.SELECTION_SET, selections: inner },
      }));
      continue;
    }
    const found = fieldsNamed(level, step, fragments);
    const field = found[0];
    if (!field) throw new Error(`@defer: no field "${step}" on the path ${queryPath.join('/')}`);
    steps.push((inner) => ({
      ...field,
      directives: [],
      selectionSet: { kind: Kind.SELECTION_SET, selections: inner },
    }));
    level = found.flatMap((f) => f.selectionSet?.selections ?? []);
  }
  for (const wrap of steps.reverse()) innermost = [wrap(innermost)];
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...operation,
        directives: [],
        selectionSet: { kind: Kind.SELECTION_SET, selections: innermost },
      },
    ],
  };
}

function operationOf(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations[0];
  if (!operation) throw new Error(`@defer: no operation ${operationName ?? ''}`);
  return operation;
}

function selectionsOf(subselection: string): readonly SelectionNode[] {
  const parsed = parse(`query ${subselection}`, { noLocation: true });
  return (parsed.definitions[0] as OperationDefinitionNode).selectionSet.selections;
}

/** The fields with this response name, looking through fragments (inline and named). */
function fieldsNamed(
  selections: readonly SelectionNode[],
  responseName: string,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): FieldNode[] {
  const found: FieldNode[] = [];
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === responseName) found.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      found.push(...fieldsNamed(selection.selectionSet.selections, responseName, fragments, seen));
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment)
        found.push(...fieldsNamed(fragment.selectionSet.selections, responseName, fragments, seen));
    }
  }
  return found;
}

/** One delivery of a deferred fragment: its data at one concrete place of the response. */
export interface DeferredItem {
  path: (string | number)[];
  data: Record<string, unknown>;
}

/**
 * Where a part's data goes: every object the query path reaches in the part's shaped
 * response, each list along the way by index (`["product", "reviews", "edges", 0,
 * "node"]`). An object the fragment's type condition left empty gets nothing.
 */
export function itemsAt(data: unknown, queryPath: readonly string[]): DeferredItem[] {
  const fields = queryPath.filter((step) => !step.startsWith('... on '));
  const items: DeferredItem[] = [];
  const walk = (value: unknown, depth: number, path: (string | number)[]): void => {
    // No object there (a null parent): nothing to deliver. A fragment nulled by its own
    // error ends here too; its errors are delivered without data.
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((element, index) => walk(element, depth, [...path, index]));
      return;
    }
    if (depth === fields.length) {
      if (Object.keys(value).length > 0)
        items.push({ path, data: value as Record<string, unknown> });
      return;
    }
    const step = fields[depth]!;
    walk((value as Record<string, unknown>)[step], depth + 1, [...path, step]);
  };
  walk(data, 0, []);
  return items;
}
