import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Webhooks reads and writes its tables in plain SQL (domain/): the sender's claim is one
 * UPDATE … FOR UPDATE SKIP LOCKED, and enqueueing relies on the unique key. These entities
 * describe the tables for tests and operators; the API never sees them.
 */
@Entity({ name: 'endpoint' })
export class EndpointRow {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'app_id', type: 'uuid' }) appId: string;
  @Column({ type: 'text' }) url: string;
  @Column({ type: 'text', array: true }) topics: string[];
  @Column({ type: 'text' }) query: string;
  @Column({ type: 'text' }) secret: string;
  @Column({ type: 'boolean' }) active: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity({ name: 'delivery' })
export class DeliveryRow {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'event_id', type: 'text' }) eventId: string;
  @Column({ name: 'endpoint_id', type: 'uuid' }) endpointId: string;
  @Column({ type: 'text' }) topic: string;
  @Column({ type: 'jsonb' }) variables: Record<string, unknown>;
  @Column({ type: 'text', nullable: true }) payload: string | null;
  @Column({ type: 'text' }) status: 'PENDING' | 'DELIVERED' | 'DEAD';
  @Column({ type: 'int' }) attempts: number;
  @Column({ name: 'next_attempt_at', type: 'timestamptz' }) nextAttemptAt: Date;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'response_status', type: 'int', nullable: true }) responseStatus: number | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
}

export const webhooksEntities = [EndpointRow, DeliveryRow];
