import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { DeclaredListSizes } from '../../supergraph';
import { DEFAULT_LIST_SIZES, DEFAULT_OPERATION_LIMITS } from './config';

/**
 * What an operation costs before it runs, from its document alone:
 *
 * - every field costs 1;
 * - a field returning a connection (an object type named `…Connection` or with `edges`)
 *   or a list multiplies the cost of its selection by its `first` (`last`) argument: the
 *   literal, the variable's value, the variable's default or the argument's schema
 *   default (or the slicing arguments its `@listSize` names), else the size assumed for
 *   that field: LIST_SIZES, then its declared `@listSize(assumedSize:)`, then
 *   `defaultListSize` (20); `edges`/`nodes` lists inside a connection are
 *   its items and do not multiply again;
 * - inline fragments and spreads on the parent's own type add up; those narrowing to
 *   different types (union members, interface implementations) count as the dearest;
 * - fields skipped by `@skip(if: true)` / `@include(if: false)` cost nothing;
 * - introspection (`__schema`, `__type`) costs nothing: the router answers it without any
 *   subgraph, and production mode refuses it.
 *
 * `{ products(first: 10) { edges { node { name variants { sku } } } } }` costs
 * 1 (products) + 10 × (1 (edges) + 1 (node) + 1 (name) + 1 (variants) + 20 × 1 (sku)) = 241.
 */
export function operationCost(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  schema: GraphQLSchema,
  options: CostOptions = {},
): number {
  return analyzeCost(document, variables, schema, options).cost;
}

export interface CostOptions {
  /** Which operation of a document with several; without it, the dearest one. */
  operationName?: string | null;
  /** The page size assumed for a list or connection without `first`. */
  defaultListSize?: number;
  /** `Type.field` → the size assumed for that list without `first` (DEFAULT_LIST_SIZES). */
  listSizes?: Readonly<Record<string, number>>;
  /** The supergraph's `@listSize` declarations (router/supergraph.ts). */
  declaredListSizes?: DeclaredListSizes;
}

export interface CostAnalysis {
  cost: number;
  /** Every connection field and the `first` it asked for, to bound page sizes. */
  pageSizes: { path: string; first: number }[];
}

export function analyzeCost(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  schema: GraphQLSchema,
  options: CostOptions = {},
): CostAnalysis {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const chosen = options.operationName
    ? operations.filter((op) => op.name?.value === options.operationName)
    : operations;
  let result: CostAnalysis = { cost: 0, pageSizes: [] };
  for (const operation of chosen) {
    const walker = new CostWalker(schema, fragments, operation, variables ?? {}, {
      defaultListSize: options.defaultListSize ?? DEFAULT_OPERATION_LIMITS.defaultListSize,
      listSizes: options.listSizes ?? DEFAULT_LIST_SIZES,
      declared: options.declaredListSizes ?? {},
    });
    const rootType = schema.getRootType(operation.operation) ?? undefined;
    const cost = walker.selectionSet(operation.selectionSet, rootType, false, '', new Set());
    if (cost >= result.cost) result = { cost, pageSizes: walker.pageSizes };
  }
  return result;
}

class CostWalker {
  readonly pageSizes: { path: string; first: number }[] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly operation: OperationDefinitionNode,
    private readonly variables: Record<string, unknown>,
    private readonly sizes: {
      defaultListSize: number;
      listSizes: Readonly<Record<string, number>>;
      declared: DeclaredListSizes;
    },
  ) {}

  /** `inConnection`: the parent is a connection, whose lists are its page of items. */
  selectionSet(
    selectionSet: SelectionSetNode,
    parentType: GraphQLNamedType | undefined,
    inConnection: boolean,
    path: string,
    spreading: Set<string>,
  ): number {
    let own = 0;
    const narrowed = new Map<string, number>();
    for (const selection of selectionSet.selections) {
      if (!this.included(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        own += this.field(selection, parentType, inConnection, path, spreading);
        continue;
      }
      let typeName: string | undefined;
      let inner: SelectionSetNode;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        typeName = selection.typeCondition?.name.value;
        inner = selection.selectionSet;
      } else {
        const fragment = this.fragments.get(selection.name.value);
        if (!fragment || spreading.has(fragment.name.value)) continue; // unknown or cyclic: validation reports it
        typeName = fragment.typeCondition.name.value;
        inner = fragment.selectionSet;
        spreading = new Set(spreading).add(fragment.name.value);
      }
      const fragmentType = typeName ? this.schema.getType(typeName) : parentType;
      const cost = this.selectionSet(
        inner,
        fragmentType ?? undefined,
        inConnection,
        path,
        spreading,
      );
      if (!typeName || typeName === parentType?.name) own += cost;
      else narrowed.set(typeName, (narrowed.get(typeName) ?? 0) + cost);
    }
    return own + Math.max(0, ...narrowed.values());
  }

  private field(
    node: FieldNode,
    parentType: GraphQLNamedType | undefined,
    inConnection: boolean,
    path: string,
    spreading: Set<string>,
  ): number {
    const name = node.name.value;
    if (name === '__schema' || name === '__type') return 0;
    const fieldPath = path ? `${path}.${node.alias?.value ?? name}` : (node.alias?.value ?? name);
    const definition: GraphQLField<unknown, unknown> | undefined =
      parentType && (isObjectType(parentType) || isInterfaceType(parentType))
        ? parentType.getFields()[name]
        : undefined;
    if (!node.selectionSet) return 1;
    const namedType = definition ? getNamedType(definition.type) : undefined;
    const connection = isConnection(namedType);
    const list = definition ? isListType(getNullableType(definition.type)) : false;
    const key = parentType ? `${parentType.name}.${name}` : '';
    const declared = this.sizes.declared[key];
    const first = this.pageSize(node, definition, declared?.slicingArguments);
    const assumed =
      this.sizes.listSizes[key] ?? declared?.assumedSize ?? this.sizes.defaultListSize;
    let multiplier = 1;
    if (connection) {
      multiplier = first ?? assumed;
      if (first !== undefined) this.pageSizes.push({ path: fieldPath, first });
    } else if (list) {
      multiplier = first ?? (inConnection ? 1 : assumed);
    }
    const children = this.selectionSet(
      node.selectionSet,
      isCompositeType(namedType) ? namedType : undefined,
      connection,
      fieldPath,
      spreading,
    );
    return 1 + Math.max(0, multiplier) * children;
  }

  /** The `first` (or `last`, or a declared slicing argument) this field asks for, if it says or its schema defaults it. */
  private pageSize(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown> | undefined,
    slicingArguments: readonly string[] = ['first', 'last'],
  ): number | undefined {
    for (const name of slicingArguments) {
      const argument = node.arguments?.find((a) => a.name.value === name);
      const value = argument
        ? this.value(argument.value)
        : definition?.args.find((a) => a.name === name)?.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    return undefined;
  }

  private value(node: ValueNode): unknown {
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      if (this.variables[name] !== undefined && this.variables[name] !== null)
        return this.variables[name];
      const declared = this.operation.variableDefinitions?.find(
        (v) => v.variable.name.value === name,
      );
      return declared?.defaultValue ? valueFromASTUntyped(declared.defaultValue) : undefined;
    }
    return valueFromASTUntyped(node, this.variables);
  }

  /** `@skip(if: true)` and `@include(if: false)` leave a selection out. */
  private included(directives: FieldNode['directives']): boolean {
    for (const directive of directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const condition = directive.arguments?.find((a) => a.name.value === 'if');
      const value = condition ? this.value(condition.value) : undefined;
      if (name === 'skip' && value === true) return false;
      if (name === 'include' && value === false) return false;
    }
    return true;
  }
}

function isConnection(type: GraphQLNamedType | undefined): boolean {
  if (!type || !(isObjectType(type) || isInterfaceType(type))) return false;
  return type.name.endsWith('Connection') || 'edges' in type.getFields();
}
