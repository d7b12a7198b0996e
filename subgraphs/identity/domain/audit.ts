import type { DataSource, EntityManager } from 'typeorm';
import { type Connection, type PageRequest, toConnection } from '../../../platform/pagination';
import { AuditLogRow } from '../entities';

/** What may write an audit row: the data source, or the transaction of the change it records. */
export type Queryable = Pick<EntityManager, 'query'>;

export interface Party {
  kind: string;
  id: string;
}

export interface AuditEntry {
  event: string;
  actor?: Party | null;
  subject?: Party | null;
  ip?: string | null;
  /** Never a password, token or code: ids, counts, reasons. */
  details?: Record<string, unknown>;
}

/**
 * The append-only log of authentication and staff actions. Rows about a change are
 * written in the change's transaction; rows about a refusal (a failed login) on their own.
 */
export class AuditLog {
  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntry, tx: Queryable = this.db): Promise<void> {
    await tx.query(
      `INSERT INTO identity.audit_log (event, actor_kind, actor_id, subject_kind, subject_id, ip, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        entry.event,
        entry.actor?.kind ?? null,
        entry.actor?.id ?? null,
        entry.subject?.kind ?? null,
        entry.subject?.id ?? null,
        entry.ip ?? null,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }

  /** Newest first; cursors carry the row id. */
  async list(
    page: PageRequest,
    filter: { event?: string | null } = {},
  ): Promise<Connection<AuditLogRow>> {
    const query = this.db.getRepository(AuditLogRow).createQueryBuilder('a');
    if (filter.event) query.where('a.event = :event', { event: filter.event });
    const totalCount = await query.getCount();
    if (page.after) query.andWhere('a.id < :after', { after: page.after[0] });
    const rows = await query
      .orderBy('a.id', 'DESC')
      .take(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.id], totalCount);
  }
}
