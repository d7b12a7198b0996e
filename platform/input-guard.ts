import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { ErrorCode } from './errors';

/**
 * PostgreSQL refuses NUL (0x00) in text, so a NUL in any string argument would reach the
 * caller as a masked INTERNAL_SERVER_ERROR from the first query that carries it. No
 * subgraph ever means to accept one: refuse the whole operation up front with
 * BAD_USER_INPUT, whether the NUL came in a variable or in a literal of the document.
 */
export function nulGuardPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const path = nulIn(request.variables ?? {}) ?? nulInDocument(document);
          if (path === null) return;
          throw new GraphQLError(`${path} contains a NUL character`, {
            extensions: { code: ErrorCode.BAD_USER_INPUT, field: path, http: { status: 200 } },
          });
        },
      };
    },
  };
}

/** The path of the first string holding a NUL inside `value`, or null. */
export function nulIn(value: unknown, path = '$'): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulIn(item, `${path}.${index}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulIn(item, path === '$' ? key : `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function nulInDocument(document: DocumentNode): string | null {
  let found: string | null = null;
  visit(document, {
    [Kind.ARGUMENT](node) {
      if (found) return false;
      const visitValue = (value: typeof node.value): boolean => {
        if (value.kind === Kind.STRING) return value.value.includes('\u0000');
        if (value.kind === Kind.LIST) return value.values.some(visitValue);
        if (value.kind === Kind.OBJECT) return value.fields.some((f) => visitValue(f.value));
        return false;
      };
      if (visitValue(node.value)) found = node.name.value;
      return undefined;
    },
  });
  return found;
}
