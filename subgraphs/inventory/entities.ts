import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

const int = { to: (v: number) => v, from: Number };

export interface WarehouseAddress {
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
}

@Entity({ name: 'warehouse' })
export class WarehouseRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'country_code', type: 'char', length: 2 }) countryCode: string;
  @Column({ name: 'region_code', type: 'text', nullable: true }) regionCode: string | null;
  /** Normalised by location; labels are sent from it. */
  @Column({ type: 'jsonb', nullable: true }) address: WarehouseAddress | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

/** The stock of one SKU in one warehouse; `on_hand` and `reserved` only change with a movement. */
@Entity({ name: 'inventory_item' })
export class InventoryItemRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'on_hand', type: 'int', default: 0 }) onHand: number;
  @Column({ type: 'int', default: 0 }) reserved: number;
  @Column({ name: 'low_stock_threshold', type: 'int', default: 20 }) lowStockThreshold: number;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

export type StockMovementKind =
  'RECEIPT' | 'ADJUSTMENT' | 'RESERVATION' | 'RELEASE' | 'SHIPMENT' | 'RETURN';

/** The append-only ledger: per item, on_hand = Σ on_hand_delta and reserved = Σ reserved_delta. */
@Entity({ name: 'stock_movement' })
export class StockMovementRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Insertion order (an identity column): the exact, stable sort key of the ledger. */
  @Column({ type: 'bigint', insert: false, update: false, transformer: int }) seq: number;
  @Column({ name: 'inventory_item_id', type: 'uuid' }) inventoryItemId: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ type: 'text' }) kind: StockMovementKind;
  @Column({ name: 'on_hand_delta', type: 'int' }) onHandDelta: number;
  @Column({ name: 'reserved_delta', type: 'int' }) reservedDelta: number;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'text', nullable: true }) reference: string | null;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

export type ReservationStatus = 'ACTIVE' | 'COMMITTED' | 'RELEASED' | 'FULFILLED';

@Entity({ name: 'reservation' })
export class ReservationRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) reference: string;
  @Column({ type: 'text', default: 'ACTIVE' }) status: ReservationStatus;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

/** A quantity held in one warehouse; a requested line may be split into several of these. */
@Entity({ name: 'reservation_line' })
export class ReservationLineRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'reservation_id', type: 'uuid' }) reservationId: string;
  @Column({ name: 'inventory_item_id', type: 'uuid' }) inventoryItemId: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ type: 'int' }) quantity: number;
}

export const inventoryEntities = [
  WarehouseRow,
  InventoryItemRow,
  StockMovementRow,
  ReservationRow,
  ReservationLineRow,
];
