/**
 * The parameters of one statement assembled from parts (the CTEs of a set-based write):
 * each part asks for its placeholders here, so the parts need not agree on numbering.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** `$n::type`: pg sends parameters untyped, and unnest() of an untyped array is ambiguous. */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * One statement of data-modifying CTEs and a final query: PostgreSQL runs every part to
 * completion, read or not, so a set of writes costs one round trip.
 */
export function withParts(parts: string[], main: string): string {
  if (parts.length === 0) return main;
  return `WITH ${parts.map((part, i) => `w${i} AS (${part})`).join(',\n')}\n${main}`;
}
