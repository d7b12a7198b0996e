import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { RateBand, RateBasis } from './domain/rates';

export type MethodKind = 'STANDARD' | 'EXPRESS' | 'PICKUP_POINT' | 'LOCAL_PICKUP';
export type ShipmentStatus =
  'LABEL_PURCHASED' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION' | 'RETURNED';

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

export interface ParcelValue {
  weightGrams: number;
  lines: { sku: string; quantity: number }[];
}

@Entity({ name: 'zone' })
export class ZoneRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', array: true }) countries: string[];
  @Column({ type: 'text', array: true }) regions: string[];
}

@Entity({ name: 'method' })
export class MethodRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'zone_id', type: 'uuid' }) zoneId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: MethodKind;
  @Column({ type: 'text' }) carrier: string;
  @Column({ type: 'text' }) basis: RateBasis;
  @Column({ type: 'jsonb' }) rates: RateBand[];
  @Column({ type: 'boolean' }) active: boolean;
}

@Entity({ name: 'shipment' })
export class ShipmentRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'idempotency_key', type: 'text' }) idempotencyKey: string;
  @Column({ name: 'request_hash', type: 'text' }) requestHash: string;
  @Column({ type: 'text' }) carrier: string;
  @Column({ name: 'method_id', type: 'uuid', nullable: true }) methodId: string | null;
  @Column({ name: 'tracking_number', type: 'text' }) trackingNumber: string;
  @Column({ type: 'text' }) status: ShipmentStatus;
  @Column({ name: 'from_address', type: 'jsonb' }) fromAddress: ShippingAddress;
  @Column({ name: 'to_address', type: 'jsonb' }) toAddress: ShippingAddress;
  @Column({ type: 'jsonb' }) parcels: ParcelValue[];
  @Column({ name: 'weight_grams', type: 'int' }) weightGrams: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'status_at', type: 'timestamptz' }) statusAt: Date;
}

@Entity({ name: 'tracking_event' })
export class TrackingEventRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'shipment_id', type: 'uuid' }) shipmentId: string;
  @Column({ name: 'event_id', type: 'text' }) eventId: string;
  @Column({ type: 'text' }) status: ShipmentStatus;
  @Column({ type: 'text' }) description: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
}

@Entity({ name: 'return_label' })
export class ReturnLabelRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'shipment_id', type: 'uuid' }) shipmentId: string;
  @Column({ name: 'idempotency_key', type: 'text' }) idempotencyKey: string;
  @Column({ name: 'tracking_number', type: 'text' }) trackingNumber: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** Documents (labels) apart from the rows listed often, so a list never loads PDFs. */
@Entity({ name: 'label_document' })
export class LabelDocumentRow {
  @PrimaryColumn({ name: 'tracking_number', type: 'text' }) trackingNumber: string;
  @Column({ type: 'bytea' }) pdf: Buffer;
}

export const shippingEntities = [
  ZoneRow,
  MethodRow,
  ShipmentRow,
  TrackingEventRow,
  ReturnLabelRow,
  LabelDocumentRow,
];
