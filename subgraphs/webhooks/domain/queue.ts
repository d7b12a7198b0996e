import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import {
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
} from '../../../platform/pagination';
import { WebhooksErrorCode } from '../errors';
import { recordFailedAttempt, requeueDelivery } from '../../../platform/delivery-attempts';

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD';

/** A delivery as the service hands it out, with what its endpoint needs to send it. */
export interface Delivery {
  id: string;
  eventId: string;
  endpointId: string;
  topic: string;
  variables: Record<string, unknown>;
  payload: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  responseStatus: number | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface DueDelivery extends Delivery {
  appId: string;
  url: string;
  query: string;
  secret: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export interface DeliveryEvent {
  id: string;
  /** The outbox topic. */
  topic: string;
  variables: Record<string, unknown>;
  issuedAt: Date;
  appId: string;
}

const COLUMNS = `d.id, d.event_id AS "eventId", d.endpoint_id AS "endpointId", d.topic, d.variables,
  d.payload, d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt", d.last_error AS "lastError",
  d.response_status AS "responseStatus", d.created_at AS "createdAt", d.delivered_at AS "deliveredAt"`;

/**
 * The delivery ledger in PostgreSQL, the notifications queue's pattern: enqueueing is
 * idempotent by (event id, endpoint); the sender claims due rows with a lease under SKIP
 * LOCKED, so two senders never POST the same delivery at once, and a sender that dies
 * mid-send leaves its rows to be claimed again after the lease.
 */
export class DeliveryQueue {
  constructor(
    private readonly db: DataSource,
    private readonly policy: RetryPolicy,
  ) {}

  /** One delivery per active endpoint of the topic; returns how many are new. */
  async enqueue(
    tx: EntityManager,
    eventId: string,
    topic: string,
    variables: Record<string, unknown>,
  ): Promise<number> {
    const inserted: { id: string }[] = await tx.query(
      `INSERT INTO webhooks.delivery (event_id, endpoint_id, topic, variables)
       SELECT $1, e.id, $2, $3::jsonb FROM webhooks.endpoint e
        WHERE e.active AND $2 = ANY(e.topics)
       ON CONFLICT ON CONSTRAINT delivery_once DO NOTHING
       RETURNING id`,
      [eventId, topic, JSON.stringify(variables)],
    );
    return inserted.length;
  }

  /** Up to `limit` due deliveries, leased for `leaseMs`. */
  async claimDue(limit: number, leaseMs: number): Promise<DueDelivery[]> {
    // A WITH … SELECT: TypeORM answers with the rows (not [rows, affected] as for an UPDATE).
    const rows: DueDelivery[] = await this.db.query(
      `WITH claimed AS (
         UPDATE webhooks.delivery SET next_attempt_at = now() + $2 * interval '1 millisecond'
          WHERE id IN (
            SELECT id FROM webhooks.delivery
             WHERE status = 'PENDING' AND next_attempt_at <= now()
             ORDER BY next_attempt_at LIMIT $1
             FOR UPDATE SKIP LOCKED)
         RETURNING *)
       SELECT ${COLUMNS}, e.app_id AS "appId", e.url, e.query, e.secret
         FROM claimed d JOIN webhooks.endpoint e ON e.id = d.endpoint_id`,
      [limit, leaseMs],
    );
    return rows;
  }

  /** One delivery's event and the app its endpoint belongs to (Query.webhookEvent). */
  async eventOf(id: string): Promise<DeliveryEvent | null> {
    const [row] = (await this.db.query(
      `SELECT d.id, d.topic, d.variables, d.created_at AS "issuedAt", e.app_id AS "appId"
         FROM webhooks.delivery d JOIN webhooks.endpoint e ON e.id = d.endpoint_id
        WHERE d.id = $1`,
      [id],
    )) as DeliveryEvent[];
    return row ?? null;
  }

  /** The document's result, kept so that every retry sends the same bytes. */
  async savePayload(id: string, payload: string): Promise<void> {
    await this.db.query(
      `UPDATE webhooks.delivery SET payload = $2 WHERE id = $1 AND payload IS NULL`,
      [id, payload],
    );
  }

  async markDelivered(id: string, responseStatus: number): Promise<void> {
    await this.db.query(
      `UPDATE webhooks.delivery
          SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = now(),
              response_status = $2, last_error = NULL
        WHERE id = $1 AND status = 'PENDING'`,
      [id, responseStatus],
    );
  }

  /** Counts the failed attempt; schedules the next with backoff, or dead-letters it. */
  markFailed(
    delivery: Delivery,
    error: string,
    responseStatus: number | null,
  ): Promise<DeliveryStatus> {
    return recordFailedAttempt(this.db, 'webhooks.delivery', delivery, error, this.policy, {
      response_status: responseStatus,
    });
  }

  /** Staff: a dead (or waiting) delivery goes out at the next run, with fresh attempts when dead. */
  async retry(id: string): Promise<Delivery> {
    const requeued = await requeueDelivery<Delivery>(
      this.db,
      'webhooks.delivery',
      id,
      'DELIVERED',
      COLUMNS,
    );
    if (requeued) return requeued;
    const found = await this.byId(id);
    if (!found) throw new DomainError(WebhooksErrorCode.NOT_FOUND, `No delivery ${id}`, ['id']);
    throw new DomainError(
      WebhooksErrorCode.DELIVERY_ALREADY_DELIVERED,
      'This delivery was delivered already',
      ['id'],
    );
  }

  async byId(id: string): Promise<Delivery | null> {
    const rows: Delivery[] = await this.db.query(
      `SELECT ${COLUMNS} FROM webhooks.delivery d WHERE d.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Newest first, filtered by status and endpoint. */
  async list(
    filter: { status?: DeliveryStatus | null; endpointId?: string | null },
    pageArgs: PageArgs,
  ): Promise<Connection<Delivery>> {
    const page = parsePageArgs(pageArgs, 2);
    const where = [`($1::text IS NULL OR status = $1)`, `($2::uuid IS NULL OR endpoint_id = $2)`];
    const params: unknown[] = [filter.status ?? null, filter.endpointId ?? null];
    const [{ count }] = await this.db.query(
      `SELECT count(*)::int AS count FROM webhooks.delivery d WHERE ${where.join(' AND ')}`,
      params,
    );
    if (page.after) {
      params.push(page.after[0], page.after[1]);
      where.push(`(created_at, id) < ($3::timestamptz, $4::uuid)`);
    }
    params.push(page.limit + 1);
    const rows: Delivery[] = await this.db.query(
      `SELECT ${COLUMNS} FROM webhooks.delivery d WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return toConnection(rows, page, (r) => [r.createdAt.toISOString(), r.id], count);
  }
}
