import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainError, ErrorCode } from './errors';
import { createLogger } from './logging';
import { recordOutage, unavailableDependency } from './outages';

const log = createLogger('graphql');

/** Domain codes that already are one of the client-facing codes keep it as extensions.code. */
const CLIENT_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * PostgreSQL refusing a value the client sent: a NUL byte or bad UTF-8 (22021), a
 * character the encoding lacks (22P05), text over a column's length (22001), text that is
 * not of the column's type, such as an id that is not a UUID (22P02). Validation should
 * catch these first; this is the net under it, so they never read as a server fault.
 */
const INPUT_SQLSTATES: Record<string, string> = {
  '22021': 'INVALID_CHARACTER',
  '22P05': 'INVALID_CHARACTER',
  '22001': 'VALUE_TOO_LONG',
  '22P02': 'INVALID_VALUE',
};

/**
 * What a client sees of an error:
 * - errors a client can act on keep their message and code;
 * - a DomainError thrown outside a mutation's userErrors (a query's SEARCH_TOO_LONG)
 *   becomes BAD_USER_INPUT with the domain code as `reason` (and its `field`), or keeps its
 *   code when that is already a client-facing one (NOT_FOUND, FORBIDDEN, ...);
 * - PostgreSQL refusing the client's value becomes BAD_USER_INPUT (see INPUT_SQLSTATES);
 * - a dependency that cannot be reached (PostgreSQL restarting, Redis gone, a fellow
 *   subgraph down) becomes UPSTREAM_UNAVAILABLE with `dependency` naming it and
 *   `retryable: true`, and is counted (platform/outages.ts);
 * - anything else (a bug) is logged here and reaches the client only as a generic
 *   INTERNAL_SERVER_ERROR, never as a stack trace or SQL text.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  const where = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };

  if (original instanceof DomainError) {
    const known =
      CLIENT_CODES.has(original.code) && original.code !== ErrorCode.INTERNAL_SERVER_ERROR;
    return {
      message: original.message,
      ...where,
      extensions: {
        code: known ? original.code : ErrorCode.BAD_USER_INPUT,
        ...(known ? {} : { reason: original.code }),
        ...(original.field ? { field: original.field } : {}),
      },
    };
  }

  const sqlState = sqlStateOf(original);
  if (sqlState && INPUT_SQLSTATES[sqlState]) {
    return {
      message: 'A value in the request is not acceptable text for this field',
      ...where,
      extensions: { code: ErrorCode.BAD_USER_INPUT, reason: INPUT_SQLSTATES[sqlState] },
    };
  }

  const dependency = unavailableDependency(original);
  if (dependency) {
    recordOutage(dependency);
    log.warn('dependency unavailable', { dependency, error: messageOf(original) });
    return {
      message: `A service this request needs (${dependency}) is unavailable; retry shortly`,
      ...where,
      extensions: { code: ErrorCode.UPSTREAM_UNAVAILABLE, dependency, retryable: true },
    };
  }

  log.error('unexpected error', {
    error:
      original instanceof Error
        ? { message: original.message, stack: original.stack }
        : String(original),
  });
  return {
    message: 'Internal server error',
    ...where,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** The SQLSTATE of a TypeORM QueryFailedError (or a bare pg error). */
function sqlStateOf(error: unknown): string | undefined {
  const record = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = record?.driverError?.code ?? record?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
