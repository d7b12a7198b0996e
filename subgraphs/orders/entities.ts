import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ShipToAddress } from '../../platform/ship-to';
import type { OrderTender } from '../../platform/topics';
import type { PricedLines } from './domain/priced-lines';

const bigintAsNumber = {
  to: (v: number) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

export type CartStatus = 'ACTIVE' | 'CHECKED_OUT';

@Entity({ name: 'cart' })
export class CartRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId: string | null;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'text', default: 'ACTIVE' }) status: CartStatus;
  @Column({ name: 'discount_codes', type: 'text', array: true, default: () => "'{}'" })
  discountCodes: string[];
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  /** Pricing's unit prices for the lines as cartCreate set them; cleared when lines change. */
  @Column({ name: 'priced_lines', type: 'jsonb', nullable: true })
  pricedLines: PricedLines | null;
}

/** A variant as the line saw it when added; prices come from a fresh quote each time. */
@Entity({ name: 'cart_line' })
export class CartLineRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'cart_id', type: 'uuid' }) cartId: string;
  @Column({ name: 'variant_id', type: 'uuid' }) variantId: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ name: 'product_name', type: 'text' }) productName: string;
  @Column({ name: 'variant_title', type: 'text' }) variantTitle: string;
  @Column({ type: 'int' }) quantity: number;
  /** A draft order's line: staff's unit price, which checkout's quote uses instead of the lists'. */
  @Column({ name: 'unit_price_override', type: 'int', nullable: true })
  unitPriceOverride: number | null;
  @Column({
    type: 'bigint',
    insert: false,
    update: false,
    select: true,
    transformer: bigintAsNumber,
  })
  seq: number;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

export type OrderStatus =
  'PENDING' | 'CONFIRMED' | 'FULFILLED' | 'DELIVERED' | 'CANCELLED' | 'REFUNDED';

export type AddressValue = ShipToAddress;

/** The shipping method an order was placed with: fulfillment and labels go by it. */
export interface ShippingMethodValue {
  methodId: string;
  name: string;
  kind: string;
  carrier: string;
}

export interface AppliedDiscountValue {
  promotionId: string;
  name: string;
  code: string | null;
  amount: number;
}

@Entity({ name: 'customer_order' })
export class OrderRow {
  /** Derived from the checkout's idempotency key, so that every retry names the same order. */
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'bigint', insert: false, update: false, transformer: bigintAsNumber })
  number: number;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId: string | null;
  @Column({ type: 'text' }) email: string;
  @Column({ type: 'text' }) status: OrderStatus;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ name: 'subtotal_amount', type: 'bigint', transformer: bigintAsNumber })
  subtotalAmount: number;
  @Column({ name: 'discount_total_amount', type: 'bigint', transformer: bigintAsNumber })
  discountTotalAmount: number;
  @Column({ name: 'shipping_amount', type: 'bigint', transformer: bigintAsNumber })
  shippingAmount: number;
  /** The method charged, as shipping named it then; null for orders placed before methods. */
  @Column({ name: 'shipping_method', type: 'jsonb', nullable: true })
  shippingMethod: ShippingMethodValue | null;
  @Column({ name: 'tax_total_amount', type: 'bigint', transformer: bigintAsNumber })
  taxTotalAmount: number;
  @Column({ name: 'tax_inclusive', type: 'boolean' }) taxInclusive: boolean;
  @Column({ name: 'total_amount', type: 'bigint', transformer: bigintAsNumber })
  totalAmount: number;
  @Column({ name: 'discount_codes', type: 'text', array: true }) discountCodes: string[];
  @Column({ type: 'jsonb' }) discounts: AppliedDiscountValue[];
  @Column({ name: 'shipping_address', type: 'jsonb' }) shippingAddress: AddressValue;
  @Column({ name: 'billing_address', type: 'jsonb', nullable: true })
  billingAddress: AddressValue | null;
  @Column({ name: 'cart_id', type: 'uuid' }) cartId: string;
  @Column({ name: 'idempotency_key', type: 'text' }) idempotencyKey: string;
  @Column({ name: 'reservation_id', type: 'uuid' }) reservationId: string;
  @Column({ name: 'payment_id', type: 'uuid' }) paymentId: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  @Column({ name: 'payment_method', type: 'text', default: 'CARD' }) paymentMethod:
    'CARD' | 'BANK_TRANSFER' | 'CASH_ON_DELIVERY';
  /** Set by a force-cancellation whose payment could not be voided or refunded: settle by hand. */
  @Column({ name: 'payment_attention', type: 'text', nullable: true }) paymentAttention:
    string | null;
  /** Bumped by every committed change (edit, return, exchange); previews name the one they saw. */
  @Column({ type: 'int', default: 1 }) version: number;
  /** The change being committed; a second commit finds it set and loses (stale). */
  @Column({ name: 'pending_change_id', type: 'uuid', nullable: true }) pendingChangeId:
    string | null;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
  /** Shipping's shipments of the order (from fulfillment's delivery event): return labels. */
  @Column({ name: 'shipment_ids', type: 'text', array: true, default: () => "'{}'" })
  shipmentIds: string[];
  /** Loyalty's tenders and the card's share, when points or a gift card paid part (tendersOf). */
  @Column({ type: 'jsonb', default: () => "'[]'" }) tenders: OrderTender[];
}

/** What the payment (card, transfer, cash) is for: the total less loyalty's points and gift cards. */
export function paymentAmountOf(row: OrderRow): number {
  const loyalty = (row.tenders ?? []).filter((t) => t.kind === 'POINTS' || t.kind === 'GIFT_CARD');
  return row.totalAmount - loyalty.reduce((sum, t) => sum + t.amount, 0);
}

/** How an order is paid: its recorded tenders, or all of it by its payment method. */
export function tendersOf(row: OrderRow): OrderTender[] {
  if (row.tenders?.length) return row.tenders;
  return [{ kind: row.paymentMethod, amount: row.totalAmount }];
}

@Entity({ name: 'order_line' })
export class OrderLineRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ type: 'int' }) position: number;
  @Column({ name: 'variant_id', type: 'uuid' }) variantId: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ name: 'product_name', type: 'text' }) productName: string;
  @Column({ name: 'variant_title', type: 'text' }) variantTitle: string;
  @Column({ type: 'int' }) quantity: number;
  @Column({ name: 'unit_price_amount', type: 'bigint', transformer: bigintAsNumber })
  unitPriceAmount: number;
  @Column({ name: 'discount_amount', type: 'bigint', transformer: bigintAsNumber })
  discountAmount: number;
  @Column({ name: 'tax_amount', type: 'bigint', transformer: bigintAsNumber }) taxAmount: number;
  /** What the line costs the buyer: after its discount; tax included when the price list includes it or added when not. */
  @Column({ name: 'line_total_amount', type: 'bigint', transformer: bigintAsNumber })
  lineTotalAmount: number;
}

/** What fulfillment said left (and arrived) of an order line, one row per parcel. */
@Entity({ name: 'order_line_parcel' })
export class OrderLineParcelRow {
  @PrimaryColumn({ name: 'order_line_id', type: 'uuid' }) orderLineId: string;
  @PrimaryColumn({ name: 'fulfillment_id', type: 'uuid' }) fulfillmentId: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  /** Shipping's shipment of the parcel: a return of the line gets its label against it. */
  @Column({ name: 'shipment_id', type: 'text', nullable: true }) shipmentId: string | null;
  @Column({ type: 'int' }) quantity: number;
  @Column({ name: 'shipped_at', type: 'timestamptz' }) shippedAt: Date;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
}

export type StepProgress = Record<
  string,
  { state: 'started' | 'done'; output?: Record<string, unknown> | null }
>;

export type CheckoutAttemptStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'RETRYABLE';

/** One checkout idempotency key: its request, its progress and its first answer. */
@Entity({ name: 'checkout_attempt' })
export class CheckoutAttemptRow {
  @PrimaryColumn({ name: 'idempotency_key', type: 'text' }) idempotencyKey: string;
  @Column({ name: 'request_hash', type: 'text' }) requestHash: string;
  @Column({ type: 'text' }) status: CheckoutAttemptStatus;
  /** Fencing token: bumped whenever someone takes the key over; only its holder may write. */
  @Column({ type: 'int' }) attempt: number;
  /** Names the effects (references); moves on only once the previous generation's were undone. */
  @Column({ type: 'int', default: 1 }) generation: number;
  /** The saga's progress: each step started or done, with what it returned. */
  @Column({ type: 'jsonb', default: () => "'{}'" }) steps: StepProgress;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ type: 'jsonb', nullable: true }) failure: {
    code: string;
    message: string;
    field: string[] | null;
  } | null;
  @Column({ name: 'lease_until', type: 'timestamptz' }) leaseUntil: Date;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

@Entity({ name: 'order_status_change' })
export class OrderStatusChangeRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ type: 'text' }) status: OrderStatus;
  @Column({ type: 'text', nullable: true }) note: string | null;
  /** The staff member who made the change; null when the platform did (events, sweepers). */
  @Column({ type: 'text', nullable: true }) actor: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt: Date;
}

export type DraftOrderStatus = 'OPEN' | 'SENT' | 'COMPLETED' | 'CANCELLED';

export interface DraftLineValue {
  variantId: string;
  sku: string;
  productName: string;
  variantTitle: string;
  quantity: number;
  /** Staff's unit price instead of the lists', and why (the audit of a price change). */
  priceOverride: { amount: number; reason: string } | null;
}

/** An order staff build for a customer; paying it makes a normal order through checkout. */
@Entity({ name: 'draft_order' })
export class DraftOrderRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) status: DraftOrderStatus;
  @Column({ type: 'text' }) email: string;
  @Column({ name: 'customer_id', type: 'text', nullable: true }) customerId: string | null;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'jsonb' }) lines: DraftLineValue[];
  @Column({ name: 'shipping_address', type: 'jsonb', nullable: true })
  shippingAddress: AddressValue | null;
  /** The method staff chose (shipping's); null: the default, as for a cart. */
  @Column({ name: 'shipping_method_id', type: 'uuid', nullable: true })
  shippingMethodId: string | null;
  /** Set when sent: whoever holds it may see and pay the draft (the customer's pay link). */
  @Column({ name: 'pay_token', type: 'text', nullable: true }) payToken: string | null;
  /** The cart checkout places the order from, made when the draft is sent or marked paid. */
  @Column({ name: 'cart_id', type: 'uuid', nullable: true }) cartId: string | null;
  @Column({ name: 'order_id', type: 'uuid', nullable: true }) orderId: string | null;
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

export type OrderChangeKind = 'EDIT' | 'RETURN' | 'EXCHANGE' | 'CLAIM';
export type OrderChangeStatus =
  | 'PREVIEWED'
  | 'COMMITTING'
  | 'COMMITTED'
  | 'FAILED'
  | 'REQUESTED'
  | 'APPROVED'
  | 'RECEIVED'
  | 'REFUNDED'
  | 'EXCHANGED'
  | 'RESHIPPED'
  | 'REJECTED';

/** A claim's goods: LOST in transit or arrived DAMAGED; sent again or refunded. */
export type ClaimReason = 'LOST' | 'DAMAGED';
export type ClaimResolution = 'RESHIP' | 'REFUND';

/** One item of a change: a line returned (with its condition once received) or edited. */
export interface ChangeItemValue {
  lineId: string | null;
  variantId: string;
  sku: string;
  /** The line's quantity after an edit; the units returned for a return. */
  quantity: number;
  /** Units before the edit (0 for a new line). */
  previousQuantity?: number;
  condition?: 'RESTOCK' | 'DAMAGED' | null;
  /** What the returned units are worth (their share of the line total), minor units. */
  amount?: number;
}

export interface PreviewLineValue {
  lineId: string | null;
  variantId: string;
  sku: string;
  productName: string;
  variantTitle: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  tax: number;
  lineTotal: number;
}

/** What the order looks like once the change is committed, as pricing and promotions quote it. */
export interface ChangePreviewValue {
  lines: PreviewLineValue[];
  subtotal: number;
  discountTotal: number;
  discounts: AppliedDiscountValue[];
  shipping: number;
  tax: number;
  total: number;
  shippingAddress: AddressValue | null;
  shippingMethod: ShippingMethodValue | null;
}

@Entity({ name: 'order_change' })
export class OrderChangeRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ type: 'text' }) kind: OrderChangeKind;
  @Column({ type: 'text' }) status: OrderChangeStatus;
  /** The order version the preview was taken on: committing on another is stale. */
  @Column({ name: 'base_version', type: 'int' }) baseVersion: number;
  @Column({ name: 'committed_version', type: 'int', nullable: true }) committedVersion:
    number | null;
  @Column({ type: 'jsonb' }) items: ChangeItemValue[];
  @Column({ type: 'jsonb', nullable: true }) preview: ChangePreviewValue | null;
  /** Positive: charged to the buyer; negative: refunded. Minor units of `currency`. */
  @Column({ name: 'difference_amount', type: 'bigint', transformer: bigintAsNumber })
  differenceAmount: number;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'return_label', type: 'jsonb', nullable: true }) returnLabel: {
    id: string;
    trackingNumber: string;
  } | null;
  @Column({ type: 'text', nullable: true }) failure: string | null;
  @Column({ name: 'requested_by', type: 'text', nullable: true }) requestedBy: string | null;
  /** Refused settlements so far: each try holds stock and authorizes under keys of its own. */
  @Column({ type: 'int', default: 0 }) attempt: number;
  /** A claim's key from the client: a retry returns the first claim. */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey: string | null;
  @Column({ name: 'claim_reason', type: 'text', nullable: true }) claimReason: ClaimReason | null;
  @Column({ type: 'text', nullable: true }) resolution: ClaimResolution | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

export const ordersEntities = [
  OrderChangeRow,
  OrderLineParcelRow,
  DraftOrderRow,
  CartRow,
  CartLineRow,
  OrderRow,
  OrderLineRow,
  OrderStatusChangeRow,
  CheckoutAttemptRow,
];
