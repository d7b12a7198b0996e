import {
  GraphQLError,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type ValueNode,
} from 'graphql';
import { PassedDocuments } from '../passed-documents';

/**
 * C0 control characters (U+0000–U+001F) other than tab, line feed and carriage return:
 * no text a shop stores needs them, PostgreSQL refuses U+0000 outright, and the others
 * hide in logs and terminals. The router refuses these in every operation; where a field
 * takes text with tabs or newlines is the subgraph's to say (platform/validation.ts).
 */
// eslint-disable-next-line no-control-regex
export const C0_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/**
 * NUL alone: what a subgraph refuses in every operation, whoever calls it, since
 * PostgreSQL cannot store it; other control characters reach its own input rules.
 */
// eslint-disable-next-line no-control-regex
export const NUL = /\u0000/;

export function hasControlCharacter(text: string, forbidden: RegExp = C0_CONTROL): boolean {
  return forbidden.test(text);
}

export function controlCharacterError(
  where: { argument: string } | { variable: string },
  httpStatus = 400,
) {
  const [kind, path] =
    'argument' in where ? ['argument', where.argument] : ['variable', where.variable];
  return new GraphQLError(`The ${kind} ${path} contains a control character`, {
    extensions: {
      code: 'BAD_USER_INPUT',
      reason: 'CONTROL_CHARACTER',
      ...('argument' in where ? { argument: where.argument } : { variable: where.variable }),
      http: { status: httpStatus },
    },
  });
}

export interface ControlCharacterRule {
  /** Which characters are refused (C0_CONTROL by default). */
  forbidden?: RegExp;
  /** HTTP status of the refusal (400 at the edge; 200 from a subgraph, for the gateway). */
  httpStatus?: number;
}

/**
 * The first string with a control character in the operation: in a literal argument
 * (`products(search: "a\u0000")` → `products.search`; nested input fields and list items
 * join the path: `checkout.input.shippingAddress.name`, `cartDiscountCodesUpdate.discountCodes[0]`)
 * or in a variable's value (`$input` → `input.email`). Null when there is none.
 */
export function findControlCharacter(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  rule: ControlCharacterRule = {},
): GraphQLError | null {
  return controlCharacterInVariables(variables, rule) ?? controlCharacterInDocument(document, rule);
}

/**
 * findControlCharacter for the requests of one server: the variables of every request, the
 * literals of a parsed document only until it has passed once (Apollo Server hands the
 * same DocumentNode to every request with the same text; see PassedDocuments).
 */
export function controlCharacterChecker(
  rule: ControlCharacterRule = {},
): (document: DocumentNode, variables: Record<string, unknown> | undefined) => GraphQLError | null {
  const passed = new PassedDocuments();
  return (document, variables) => {
    const error =
      controlCharacterInVariables(variables, rule) ??
      (passed.has(document) ? null : controlCharacterInDocument(document, rule));
    if (!error) passed.add(document);
    return error;
  };
}

/** The first variable value (or key) with a control character, as findControlCharacter reports it. */
export function controlCharacterInVariables(
  variables: Record<string, unknown> | undefined,
  { forbidden = C0_CONTROL, httpStatus = 400 }: ControlCharacterRule = {},
): GraphQLError | null {
  if (!variables) return null;
  const path = stringPath(variables, [], forbidden);
  return path ? controlCharacterError({ variable: path }, httpStatus) : null;
}

/** The first literal argument with a control character, as findControlCharacter reports it. */
export function controlCharacterInDocument(
  document: DocumentNode,
  { forbidden = C0_CONTROL, httpStatus = 400 }: ControlCharacterRule = {},
): GraphQLError | null {
  let found: GraphQLError | null = null;
  const fields: string[] = [];
  visit(document, {
    Field: {
      enter(node) {
        fields.push(node.alias?.value ?? node.name.value);
      },
      leave() {
        fields.pop();
      },
    },
    Argument(node, _key, _parent, _path, ancestors) {
      if (found) return false;
      // Directive arguments are named after their directive; field arguments after the field.
      const owner = directiveOf(ancestors) ?? fields.join('.');
      const inner = literalPath(node.value, [], forbidden);
      if (inner !== null)
        found = controlCharacterError(
          { argument: joinPath([owner, node.name.value], inner) },
          httpStatus,
        );
      return false;
    },
  });
  return found;
}

function directiveOf(ancestors: readonly (ASTNode | readonly ASTNode[])[]): string | null {
  const last = ancestors[ancestors.length - 1];
  const node = Array.isArray(last) ? ancestors[ancestors.length - 2] : last;
  return node && !Array.isArray(node) && (node as ASTNode).kind === Kind.DIRECTIVE
    ? `@${(node as { name: { value: string } }).name.value}`
    : null;
}

type Step = string | number;

function literalPath(value: ValueNode, at: Step[], forbidden: RegExp): Step[] | null {
  switch (value.kind) {
    case Kind.STRING:
      return hasControlCharacter(value.value, forbidden) ? at : null;
    case Kind.LIST:
      for (const [i, item] of value.values.entries()) {
        const found = literalPath(item, [...at, i], forbidden);
        if (found) return found;
      }
      return null;
    case Kind.OBJECT:
      for (const field of value.fields) {
        const found = literalPath(field.value, [...at, field.name.value], forbidden);
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

function stringPath(value: unknown, at: Step[], forbidden: RegExp, depth = 0): string | null {
  if (depth > 64) return null;
  if (typeof value === 'string')
    return hasControlCharacter(value, forbidden) ? joinPath([], at) : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = stringPath(item, [...at, i], forbidden, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // A key is text a subgraph may store too (a JSON scalar's).
      if (hasControlCharacter(key, forbidden)) return joinPath([], [...at, key]);
      const found = stringPath(item, [...at, key], forbidden, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

function joinPath(head: string[], steps: Step[]): string {
  let path = head.filter(Boolean).join('.');
  for (const step of steps)
    path += typeof step === 'number' ? `[${step}]` : path ? `.${step}` : step;
  return path;
}
