import type { Queryable } from './audit';

/** A raw row: callers know its columns from the statement they wrote. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

/**
 * Rows of a statement, whatever its kind: TypeORM answers UPDATE and DELETE with
 * `[rows, rowCount]` and everything else with the rows.
 */
export async function rows<T = Row>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result = await db.query(text, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

export async function firstRow<T = Row>(
  db: Queryable,
  text: string,
  params: unknown[] = [],
): Promise<T | null> {
  return (await rows<T>(db, text, params))[0] ?? null;
}

export { isUniqueViolation } from '../../../platform/db';
