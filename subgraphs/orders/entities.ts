import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

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

export interface AddressValue {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  region?: string | null;
  country: string;
  phone?: string | null;
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
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt: Date;
}

export const ordersEntities = [
  CartRow,
  CartLineRow,
  OrderRow,
  OrderLineRow,
  OrderStatusChangeRow,
  CheckoutAttemptRow,
];
