import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { OperationLimits } from './config';
import { analyzeCost } from './cost';

/** A rejected operation: HTTP 400 with a specific code, before any subgraph is called. */
export function limitError(
  message: string,
  code: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status: 400 } } });
}

/** The checks on the text itself, before anything parses it: its size, then its tokens. */
export function checkSource(source: string, limits: OperationLimits): GraphQLError | null {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > limits.maxDocumentBytes) {
    return limitError(
      `The document is ${bytes} bytes; at most ${limits.maxDocumentBytes} are accepted`,
      'DOCUMENT_TOO_LARGE',
      {
        size: bytes,
        limit: limits.maxDocumentBytes,
      },
    );
  }
  const tokens = countTokens(source, limits.maxTokens + 1);
  if (tokens > limits.maxTokens) {
    return limitError(
      `The document has more than ${limits.maxTokens} tokens`,
      'MAX_TOKENS_EXCEEDED',
      { limit: limits.maxTokens },
    );
  }
  return null;
}

/** Tokens in the text, counting no further than `stopAt`; a syntax error ends the count (the parser reports it). */
export function countTokens(source: string, stopAt = Infinity): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (count < stopAt && lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // a lexical error: not ours to report
  }
  return count;
}

export interface DocumentShape {
  depth: number;
  aliases: number;
  rootFields: number;
  directives: number;
}

/** Depth, aliases, root fields and directives of one operation, fragments counted where spread. */
export function documentShape(
  document: DocumentNode,
  operationName?: string | null,
): DocumentShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const chosen = operationName
    ? operations.filter((op) => op.name?.value === operationName)
    : operations;
  const memo = new Map<string, DocumentShape>();

  const directivesOf = (nodes: readonly DirectiveNode[] | undefined): number => nodes?.length ?? 0;

  /** `depth` counts fields below this selection set; `rootFields` the fields directly in it. */
  const walk = (selectionSet: SelectionSetNode, spreading: ReadonlySet<string>): DocumentShape => {
    const shape: DocumentShape = { depth: 0, aliases: 0, rootFields: 0, directives: 0 };
    const add = (inner: DocumentShape, extraDepth: number): void => {
      shape.depth = Math.max(shape.depth, inner.depth + extraDepth);
      shape.aliases += inner.aliases;
      shape.directives += inner.directives;
    };
    for (const selection of selectionSet.selections) {
      shape.directives += directivesOf(selection.directives);
      if (selection.kind === Kind.FIELD) {
        shape.rootFields++;
        if (selection.alias) shape.aliases++;
        if (selection.selectionSet) add(walk(selection.selectionSet, spreading), 1);
        else shape.depth = Math.max(shape.depth, 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = walk(selection.selectionSet, spreading);
        add(inner, 0);
        shape.rootFields += inner.rootFields;
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || spreading.has(name)) continue; // unknown or cyclic: validation reports it
        let inner = memo.get(name);
        if (!inner) {
          inner = walk(fragment.selectionSet, new Set(spreading).add(name));
          inner = { ...inner, directives: inner.directives + directivesOf(fragment.directives) };
          memo.set(name, inner);
        }
        add(inner, 0);
        shape.rootFields += inner.rootFields;
      }
    }
    return shape;
  };

  const result: DocumentShape = { depth: 0, aliases: 0, rootFields: 0, directives: 0 };
  for (const operation of chosen) {
    const shape = walk(operation.selectionSet, new Set());
    const variableDirectives =
      operation.variableDefinitions?.reduce((n, v) => n + directivesOf(v.directives), 0) ?? 0;
    result.depth = Math.max(result.depth, shape.depth);
    result.aliases = Math.max(result.aliases, shape.aliases);
    result.rootFields = Math.max(result.rootFields, shape.rootFields);
    result.directives = Math.max(
      result.directives,
      shape.directives + directivesOf(operation.directives) + variableDirectives,
    );
  }
  return result;
}

/**
 * Every limit on a parsed operation, in order: depth, aliases, root fields, directives,
 * `first` on connections, cost. The first one exceeded is the answer; null when it may run.
 */
export function checkOperation(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  schema: GraphQLSchema,
  limits: OperationLimits,
): GraphQLError | null {
  const shape = documentShape(document, operationName);
  if (shape.depth > limits.maxDepth) {
    return limitError(
      `The operation is ${shape.depth} fields deep; at most ${limits.maxDepth} are allowed`,
      'MAX_DEPTH_EXCEEDED',
      {
        depth: shape.depth,
        limit: limits.maxDepth,
      },
    );
  }
  if (shape.aliases > limits.maxAliases) {
    return limitError(
      `The operation uses ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed`,
      'MAX_ALIASES_EXCEEDED',
      {
        aliases: shape.aliases,
        limit: limits.maxAliases,
      },
    );
  }
  if (shape.rootFields > limits.maxRootFields) {
    return limitError(
      `The operation selects ${shape.rootFields} root fields; at most ${limits.maxRootFields} are allowed`,
      'MAX_ROOT_FIELDS_EXCEEDED',
      { rootFields: shape.rootFields, limit: limits.maxRootFields },
    );
  }
  if (shape.directives > limits.maxDirectives) {
    return limitError(
      `The operation uses ${shape.directives} directives; at most ${limits.maxDirectives} are allowed`,
      'MAX_DIRECTIVES_EXCEEDED',
      { directives: shape.directives, limit: limits.maxDirectives },
    );
  }
  const { cost, pageSizes } = analyzeCost(document, variables, schema, {
    operationName,
    defaultListSize: limits.defaultListSize,
    listSizes: limits.listSizes,
    declaredListSizes: limits.declaredListSizes,
  });
  const oversized = pageSizes.find((p) => p.first > limits.maxFirst);
  if (oversized) {
    return limitError(
      `\`first\` on ${oversized.path} is ${oversized.first}; at most ${limits.maxFirst} are allowed`,
      'FIRST_TOO_LARGE',
      {
        field: oversized.path,
        first: oversized.first,
        limit: limits.maxFirst,
      },
    );
  }
  if (cost > limits.maxCost) {
    return limitError(
      `The operation costs ${cost}; the budget is ${limits.maxCost}`,
      'COST_EXCEEDED',
      { cost, budget: limits.maxCost },
    );
  }
  return null;
}
