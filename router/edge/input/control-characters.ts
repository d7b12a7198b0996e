import {
  GraphQLError,
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type ValueNode,
} from 'graphql';

/**
 * C0 control characters (U+0000–U+001F) other than tab, line feed and carriage return:
 * no text a shop stores needs them, PostgreSQL refuses U+0000 outright, and the others
 * hide in logs and terminals. Where a field takes text with tabs or newlines is the
 * subgraph's to say (platform/validation.ts); here only what no field may hold is refused.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

export function hasControlCharacter(text: string): boolean {
  return FORBIDDEN.test(text);
}

export function controlCharacterError(where: { argument: string } | { variable: string }) {
  const [kind, path] =
    'argument' in where ? ['argument', where.argument] : ['variable', where.variable];
  return new GraphQLError(`The ${kind} ${path} contains a control character`, {
    extensions: {
      code: 'BAD_USER_INPUT',
      reason: 'CONTROL_CHARACTER',
      ...('argument' in where ? { argument: where.argument } : { variable: where.variable }),
      http: { status: 400 },
    },
  });
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
): GraphQLError | null {
  if (variables) {
    const path = stringPath(variables, []);
    if (path) return controlCharacterError({ variable: path });
  }
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
      const inner = literalPath(node.value, []);
      if (inner !== null)
        found = controlCharacterError({
          argument: joinPath([owner, node.name.value], inner),
        });
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

function literalPath(value: ValueNode, at: Step[]): Step[] | null {
  switch (value.kind) {
    case Kind.STRING:
      return hasControlCharacter(value.value) ? at : null;
    case Kind.LIST:
      for (const [i, item] of value.values.entries()) {
        const found = literalPath(item, [...at, i]);
        if (found) return found;
      }
      return null;
    case Kind.OBJECT:
      for (const field of value.fields) {
        const found = literalPath(field.value, [...at, field.name.value]);
        if (found) return found;
      }
      return null;
    default:
      return null;
  }
}

function stringPath(value: unknown, at: Step[], depth = 0): string | null {
  if (depth > 64) return null;
  if (typeof value === 'string') return hasControlCharacter(value) ? joinPath([], at) : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = stringPath(item, [...at, i], depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // A key is text a subgraph may store too (a JSON scalar's).
      if (hasControlCharacter(key)) return joinPath([], [...at, key]);
      const found = stringPath(item, [...at, key], depth + 1);
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
