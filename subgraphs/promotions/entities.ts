import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { MinimumSubtotal, PromotionKind, Quote } from './discounts';

/** bigint money comes back from pg as a string; amounts stay far below 2^53. */
const bigintNumber = {
  to: (v: number | null) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

@Entity({ name: 'campaign' })
export class CampaignRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'starts_at', type: 'timestamptz' }) startsAt: Date;
  /** Exclusive end of the window; null: open-ended. */
  @Column({ name: 'ends_at', type: 'timestamptz', nullable: true }) endsAt: Date | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

@Entity({ name: 'promotion' })
export class PromotionRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'campaign_id', type: 'uuid' }) campaignId: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) kind: PromotionKind;
  /** Basis points (PERCENTAGE_*) or minor units of `currency` (FIXED_*); null for the other kinds. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber }) value: number | null;
  @Column({ type: 'char', length: 3, nullable: true }) currency: string | null;
  @Column({ name: 'buy_quantity', type: 'int', nullable: true }) buyQuantity: number | null;
  @Column({ name: 'get_quantity', type: 'int', nullable: true }) getQuantity: number | null;
  @Column({ name: 'min_subtotals', type: 'jsonb', default: () => "'[]'" })
  minSubtotals: MinimumSubtotal[];
  @Column({ name: 'product_ids', type: 'uuid', array: true, default: () => "'{}'" })
  productIds: string[];
  @Column({ name: 'category_ids', type: 'uuid', array: true, default: () => "'{}'" })
  categoryIds: string[];
  @Column({ name: 'brand_ids', type: 'uuid', array: true, default: () => "'{}'" })
  brandIds: string[];
  @Column({ name: 'customer_segments', type: 'text', array: true, default: () => "'{}'" })
  customerSegments: string[];
  @Column({ type: 'boolean', default: false }) exclusive: boolean;
  @Column({ type: 'int', default: 0 }) priority: number;
  @Column({ name: 'requires_coupon', type: 'boolean', default: false }) requiresCoupon: boolean;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

/** A code that unlocks a promotion; `used_count` counts RESERVED and CONFIRMED redemptions. */
@Entity({ name: 'coupon' })
export class CouponRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'promotion_id', type: 'uuid' }) promotionId: string;
  /** Stored upper-case; codes are case-insensitive. */
  @Column({ type: 'text' }) code: string;
  @Column({ name: 'usage_limit', type: 'int', nullable: true }) usageLimit: number | null;
  @Column({ name: 'per_customer_limit', type: 'int', nullable: true }) perCustomerLimit:
    number | null;
  @Column({ name: 'used_count', type: 'int', default: 0 }) usedCount: number;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

export type RedemptionStatus = 'RESERVED' | 'CONFIRMED' | 'RELEASED';

/** One order's redemption: the quote it was given, replayed on a retry with the same order_ref. */
@Entity({ name: 'order_redemption' })
export class OrderRedemptionRow {
  @PrimaryColumn({ name: 'order_ref', type: 'text' }) orderRef: string;
  @Column({ name: 'customer_key', type: 'text', nullable: true }) customerKey: string | null;
  @Column({ type: 'text', default: 'RESERVED' }) status: RedemptionStatus;
  /** sha256 of the normalized input: a retry must ask for the same thing. */
  @Column({ name: 'input_hash', type: 'text' }) inputHash: string;
  @Column({ type: 'jsonb' }) quote: Quote;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

/** One use of one coupon by one order. */
@Entity({ name: 'coupon_redemption' })
export class CouponRedemptionRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'coupon_id', type: 'uuid' }) couponId: string;
  @Column({ name: 'order_ref', type: 'text' }) orderRef: string;
  @Column({ name: 'customer_key', type: 'text', nullable: true }) customerKey: string | null;
  @Column({ type: 'text', default: 'RESERVED' }) status: RedemptionStatus;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

export const promotionsEntities = [
  CampaignRow,
  PromotionRow,
  CouponRow,
  OrderRedemptionRow,
  CouponRedemptionRow,
];
