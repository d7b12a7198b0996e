import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError } from './errors';
import { createLogger } from './logging';

const log = createLogger('graphql');

/**
 * Errors a client can act on keep their message and code; anything unexpected (a bug,
 * a database failure) is logged here and reaches the client only as a generic
 * INTERNAL_SERVER_ERROR, never as a stack trace or SQL text.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) return domainErrorOf(formatted, original);
  const code = formatted.extensions?.code;
  if (code && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  log.error('unexpected error', {
    error:
      original instanceof Error
        ? { message: original.message, stack: original.stack }
        : String(original),
  });
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * A business rule refused the caller's input outside a mutation's userErrors (a query
 * argument such as a too-long search): the caller's mistake, never a masked internal
 * error. `code` is the domain's own code; `category` names its family for generic clients.
 */
function domainErrorOf(
  formatted: GraphQLFormattedError,
  error: DomainError,
): GraphQLFormattedError {
  return {
    message: error.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code: error.code,
      category: 'BAD_USER_INPUT',
      ...(error.field ? { field: error.field } : {}),
    },
  };
}
