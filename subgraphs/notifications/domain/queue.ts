import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import {
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
} from '../../../platform/pagination';
import { NotificationsErrorCode } from '../errors';
import type { RenderedEmail, TemplateName } from './templates';
import { recordFailedAttempt, requeueDelivery } from '../../../platform/delivery-attempts';

export type DeliveryStatus = 'PENDING' | 'SENT' | 'DEAD';

/** A delivery as the service hands it out (rows never leave domain/). */
export interface Delivery {
  id: string;
  eventId: string;
  topic: string;
  template: TemplateName;
  recipient: string;
  locale: string;
  orderId: string | null;
  subject: string;
  text: string;
  html: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface NewDelivery {
  eventId: string;
  topic: string;
  template: TemplateName;
  recipient: string;
  locale: string;
  orderId: string | null;
  email: RenderedEmail;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

const COLUMNS = `id, event_id AS "eventId", topic, template, recipient, locale, order_id AS "orderId",
  subject, text_body AS text, html_body AS html, status, attempts,
  next_attempt_at AS "nextAttemptAt", last_error AS "lastError", created_at AS "createdAt",
  sent_at AS "sentAt"`;

/**
 * The delivery queue in PostgreSQL. Enqueueing is idempotent by (event id, recipient);
 * the sender claims due rows with a lease (pushing `next_attempt_at` ahead) under SKIP
 * LOCKED, so two senders (replicas, or a kick beside the periodic run) never take the same
 * row, and a sender that dies mid-send leaves its rows to be claimed again after the lease.
 */
export class DeliveryQueue {
  constructor(
    private readonly db: DataSource,
    private readonly policy: RetryPolicy,
  ) {}

  /** Returns the new delivery's id, or null when this (event, recipient) was queued before. */
  async enqueue(tx: EntityManager, d: NewDelivery): Promise<string | null> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO notifications.delivery
         (event_id, topic, template, recipient, locale, order_id, subject, text_body, html_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ON CONSTRAINT delivery_once DO NOTHING
       RETURNING id`,
      [
        d.eventId,
        d.topic,
        d.template,
        d.recipient.toLowerCase(),
        d.locale,
        d.orderId,
        d.email.subject,
        d.email.text,
        d.email.html,
      ],
    );
    return rows[0]?.id ?? null;
  }

  /** Up to `limit` due deliveries, leased for `leaseMs`. */
  async claimDue(limit: number, leaseMs: number): Promise<Delivery[]> {
    // (TypeORM answers an UPDATE … RETURNING with [rows, affected].)
    const [rows]: [Delivery[], number] = await this.db.query(
      `UPDATE notifications.delivery SET next_attempt_at = now() + $2 * interval '1 millisecond'
       WHERE id IN (
         SELECT id FROM notifications.delivery
         WHERE status = 'PENDING' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [limit, leaseMs],
    );
    return rows;
  }

  async markSent(id: string, messageId: string): Promise<void> {
    await this.db.query(
      `UPDATE notifications.delivery
       SET status = 'SENT', attempts = attempts + 1, sent_at = now(), message_id = $2
       WHERE id = $1 AND status = 'PENDING'`,
      [id, messageId],
    );
  }

  /** Counts the failed attempt; schedules the next with backoff, or dead-letters it. */
  markFailed(delivery: Delivery, error: string): Promise<DeliveryStatus> {
    return recordFailedAttempt(this.db, 'notifications.delivery', delivery, error, this.policy);
  }

  /** Staff: a dead (or waiting) delivery goes out at the next run, with fresh attempts when dead. */
  async retry(id: string): Promise<Delivery> {
    const requeued = await requeueDelivery<Delivery>(
      this.db,
      'notifications.delivery',
      id,
      'SENT',
      COLUMNS,
    );
    if (requeued) return requeued;
    const found = await this.byId(id);
    if (!found)
      throw new DomainError(NotificationsErrorCode.NOT_FOUND, `No delivery ${id}`, ['id']);
    throw new DomainError(
      NotificationsErrorCode.DELIVERY_ALREADY_SENT,
      'This email was sent already',
      ['id'],
    );
  }

  async byId(id: string): Promise<Delivery | null> {
    const rows: Delivery[] = await this.db.query(
      `SELECT ${COLUMNS} FROM notifications.delivery WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Newest first, filtered by status, recipient and order. */
  async list(
    filter: { status?: DeliveryStatus | null; recipient?: string | null; orderId?: string | null },
    pageArgs: PageArgs,
  ): Promise<Connection<Delivery>> {
    const page = parsePageArgs(pageArgs, 2);
    const where = [
      `($1::text IS NULL OR status = $1)`,
      `($2::text IS NULL OR recipient = lower($2))`,
      `($3::uuid IS NULL OR order_id = $3)`,
    ];
    const params: unknown[] = [
      filter.status ?? null,
      filter.recipient ?? null,
      filter.orderId ?? null,
    ];
    const [{ count }] = await this.db.query(
      `SELECT count(*)::int AS count FROM notifications.delivery WHERE ${where.join(' AND ')}`,
      params,
    );
    if (page.after) {
      params.push(page.after[0], page.after[1]);
      where.push(`(created_at, id) < ($4::timestamptz, $5::uuid)`);
    }
    params.push(page.limit + 1);
    const rows: Delivery[] = await this.db.query(
      `SELECT ${COLUMNS} FROM notifications.delivery WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return toConnection(rows, page, (r) => [r.createdAt.toISOString(), r.id], count);
  }
}
