import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Notifications reads and writes its queue in plain SQL (domain/queue.ts): the sender's
 * claim is one UPDATE … FOR UPDATE SKIP LOCKED, and enqueueing relies on the unique key.
 * These entities describe the tables for tests and operators; the API never sees them.
 */
@Entity({ name: 'delivery' })
export class DeliveryRow {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'event_id', type: 'text' }) eventId: string;
  @Column({ type: 'text' }) topic: string;
  @Column({ type: 'text' }) template: string;
  @Column({ type: 'text' }) recipient: string;
  @Column({ type: 'text' }) locale: string;
  @Column({ name: 'order_id', type: 'uuid', nullable: true }) orderId: string | null;
  @Column({ type: 'text' }) subject: string;
  @Column({ name: 'text_body', type: 'text' }) textBody: string;
  @Column({ name: 'html_body', type: 'text' }) htmlBody: string;
  @Column({ type: 'text' }) status: 'PENDING' | 'SENT' | 'DEAD';
  @Column({ type: 'int' }) attempts: number;
  @Column({ name: 'next_attempt_at', type: 'timestamptz' }) nextAttemptAt: Date;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'message_id', type: 'text', nullable: true }) messageId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true }) sentAt: Date | null;
}

@Entity({ name: 'order_contact' })
export class OrderContactRow {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'order_number', type: 'bigint', nullable: true }) orderNumber: string | null;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId: string | null;
  @Column({ type: 'text' }) email: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) locale: string;
  @Column({ type: 'char', length: 3 }) currency: string;
}

export const notificationsEntities = [DeliveryRow, OrderContactRow];
