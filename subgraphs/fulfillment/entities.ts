import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ShipToAddress } from '../../platform/ship-to';

export type FulfillmentOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'SHIPPED' | 'DELIVERED';
export type FulfillmentStatus =
  'ASSIGNED' | 'PICKING' | 'PICKED' | 'PACKED' | 'SHIPPED' | 'DELIVERED';

/** The address fulfillment ships to (and prints on labels). */
export type ShipTo = ShipToAddress;

/** One confirmed order as fulfillment sees it: created from orders' event, never by a call. */
@Entity({ name: 'fulfillment_order' })
export class FulfillmentOrderRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId: string | null;
  @Column({ name: 'reservation_id', type: 'uuid' }) reservationId: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ name: 'ship_to', type: 'jsonb' }) shipTo: ShipTo;
  /** The buyer's choice at checkout; null for orders placed before methods existed. */
  @Column({ name: 'shipping_method', type: 'jsonb', nullable: true })
  shippingMethod: { methodId: string; name: string; kind: string; carrier: string } | null;
  @Column({ type: 'text' }) status: FulfillmentOrderStatus;
  /** The order version applied (orders.order.changed): older or repeated ones change nothing. */
  @Column({ name: 'order_version', type: 'int', default: 1 }) orderVersion: number;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

@Entity({ name: 'fulfillment_order_line' })
export class FulfillmentOrderLineRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'fulfillment_order_id', type: 'uuid' }) fulfillmentOrderId: string;
  @Column({ name: 'order_line_id', type: 'uuid' }) orderLineId: string;
  @Column({ type: 'int' }) position: number;
  @Column({ name: 'variant_id', type: 'uuid' }) variantId: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ type: 'int' }) quantity: number;
  /** Units no warehouse could serve yet: they wait for stock (inventory's receipt event). */
  @Column({ type: 'int', default: 0 }) backordered: number;
  /** The restock date inventory gave for a backordered line (YYYY-MM-DD). */
  @Column({ name: 'expected_at', type: 'text', nullable: true }) expectedAt: string | null;
}

/** The part of a fulfillment order one warehouse ships: one parcel, one label. */
@Entity({ name: 'fulfillment' })
export class FulfillmentRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'fulfillment_order_id', type: 'uuid' }) fulfillmentOrderId: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ type: 'text' }) status: FulfillmentStatus;
  /** The hourly slot of the warehouse's capacity this fulfillment was booked into. */
  @Column({ name: 'slot_start', type: 'timestamptz' }) slotStart: Date;
  @Column({ type: 'text' }) strategy: string;
  @Column({ name: 'hold_reason', type: 'text', nullable: true }) holdReason: string | null;
  @Column({ name: 'pick_list_id', type: 'uuid', nullable: true }) pickListId: string | null;
  @Column({ type: 'text', nullable: true }) carrier: string | null;
  @Column({ name: 'tracking_number', type: 'text', nullable: true }) trackingNumber: string | null;
  @Column({ name: 'shipment_id', type: 'text', nullable: true }) shipmentId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'shipped_at', type: 'timestamptz', nullable: true }) shippedAt: Date | null;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
  /** Set when a claim reported the parcel lost in transit: it will never arrive. */
  @Column({ name: 'lost_at', type: 'timestamptz', nullable: true }) lostAt: Date | null;
}

@Entity({ name: 'fulfillment_line' })
export class FulfillmentLineRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'fulfillment_id', type: 'uuid' }) fulfillmentId: string;
  @Column({ name: 'fulfillment_order_line_id', type: 'uuid' }) fulfillmentOrderLineId: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ type: 'int' }) quantity: number;
  @Column({ type: 'int', default: 0 }) picked: number;
  /** Units the picker could not find; they go back to the fulfillment order to be assigned again. */
  @Column({ name: 'short', type: 'int', default: 0 }) short: number;
  @Column({ name: 'short_reason', type: 'text', nullable: true }) shortReason: string | null;
}

@Entity({ name: 'pick_list' })
export class PickListRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

/** A warehouse's throughput, fulfillment's own data: no row means no limit. */
@Entity({ name: 'warehouse_capacity' })
export class WarehouseCapacityRow {
  @PrimaryColumn({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'orders_per_day', type: 'int' }) ordersPerDay: number;
  @Column({ name: 'items_per_hour', type: 'int' }) itemsPerHour: number;
  /** Fulfillments one hourly slot takes. */
  @Column({ name: 'orders_per_slot', type: 'int' }) ordersPerSlot: number;
  /** Slots run from this UTC hour to before `closeHour`. */
  @Column({ name: 'open_hour', type: 'int' }) openHour: number;
  @Column({ name: 'close_hour', type: 'int' }) closeHour: number;
}

@Entity({ name: 'slot_booking' })
export class SlotBookingRow {
  @PrimaryColumn({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @PrimaryColumn({ name: 'slot_start', type: 'timestamptz' }) slotStart: Date;
  @Column({ type: 'int' }) orders: number;
  @Column({ type: 'int' }) items: number;
}

@Entity({ name: 'bin' })
export class BinRow {
  @PrimaryColumn({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @PrimaryColumn({ type: 'text' }) sku: string;
  /** Aisle-rack-shelf, e.g. A-03-2: pick lists walk the warehouse in this order. */
  @Column({ type: 'text' }) location: string;
}

export const fulfillmentEntities = [
  FulfillmentOrderRow,
  FulfillmentOrderLineRow,
  FulfillmentRow,
  FulfillmentLineRow,
  PickListRow,
  WarehouseCapacityRow,
  SlotBookingRow,
  BinRow,
];
