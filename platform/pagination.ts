import { badInput } from './errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** A validated page request: how many rows, and the sort key of the row to start after. */
export interface PageRequest {
  limit: number;
  after: unknown[] | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

const CURSOR_PREFIX = 'c1:';

/** Cursors are opaque to clients: the sort key of a row, JSON in base64url. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): unknown[] {
  let decoded: unknown;
  try {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!text.startsWith(CURSOR_PREFIX)) throw new Error('prefix');
    decoded = JSON.parse(text.slice(CURSOR_PREFIX.length));
  } catch {
    throw badInput('after is not a valid cursor', 'after');
  }
  if (!Array.isArray(decoded) || decoded.length !== arity) {
    throw badInput('after is not a valid cursor', 'after');
  }
  return decoded;
}

export function parsePageArgs(args: PageArgs, sortKeyArity: number): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return {
    limit: first,
    after: args.after ? decodeCursor(args.after, sortKeyArity) : null,
  };
}

/**
 * Builds a connection from rows fetched with `limit + 1`: the extra row only tells
 * that a next page exists.
 */
export function toConnection<T>(
  rows: T[],
  page: PageRequest,
  sortKeyOf: (row: T) => unknown[],
  totalCount: number,
): Connection<T> {
  const visible = rows.slice(0, page.limit);
  const edges = visible.map((node) => ({ cursor: encodeCursor(sortKeyOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.limit,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** The same connection with every node mapped (a `…Row` to its GraphQL `…Model`). */
export function mapConnection<T, R>(connection: Connection<T>, map: (row: T) => R): Connection<R> {
  return {
    ...connection,
    edges: connection.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) })),
  };
}
