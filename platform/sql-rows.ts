import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * A row from plain SQL (`RETURNING *`, or `to_jsonb` of one) as TypeORM would have read
 * it: column names to properties, through each column's type and transformer (bigints to
 * numbers, timestamps to dates), so hot paths skip the query builder and keep the entity.
 */
export function rowOf<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  raw: Record<string, unknown>,
): T {
  const metadata = manager.connection.getMetadata(target);
  const row = metadata.create() as T;
  for (const column of metadata.columns) {
    if (!(column.databaseName in raw)) continue;
    const value = manager.connection.driver.prepareHydratedValue(raw[column.databaseName], column);
    column.setEntityValue(row, value);
  }
  return row;
}

/** A jsonb parameter: null stays SQL NULL (not the JSON `null`). */
export function jsonb(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
