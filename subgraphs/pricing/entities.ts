import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** bigint money columns come back from pg as strings; amounts stay below 2^53. */
const int = {
  to: (v: number | null) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

@Entity({ name: 'currency' })
export class CurrencyRow {
  @PrimaryColumn({ type: 'char', length: 3 }) code: string;
  @Column({ type: 'text' }) name: string;
  /** Digits after the decimal point: amounts are integers of 10^-minorUnits. */
  @Column({ name: 'minor_units', type: 'int' }) minorUnits: number;
}

@Entity({ name: 'price_list' })
export class PriceListRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  /** True when the list's amounts include tax (EU consumer prices); false when tax is added (US). */
  @Column({ name: 'tax_inclusive', type: 'boolean' }) taxInclusive: boolean;
  @Column({ type: 'int', default: 0 }) priority: number;
  /** Shoppers are priced from public lists only; an internal one (WHOLESALE) is staff's. */
  @Column({ type: 'boolean', default: true }) public: boolean;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}

/**
 * One price of a variant in a list, valid in [validFrom, validTo). Rows are never
 * changed in place except to close them: the rows of a variant are its price history.
 */
@Entity({ name: 'price' })
export class PriceRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Insertion order (an identity column). */
  @Column({ type: 'bigint', insert: false, update: false, transformer: int }) seq: number;
  @Column({ name: 'price_list_id', type: 'uuid' }) priceListId: string;
  /** Catalog's ProductVariant id; pricing keeps it as a plain uuid (no foreign key across domains). */
  @Column({ name: 'variant_id', type: 'uuid' }) variantId: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ type: 'bigint', transformer: int }) amount: number;
  @Column({ name: 'min_quantity', type: 'int', default: 1 }) minQuantity: number;
  @Column({ name: 'valid_from', type: 'timestamptz' }) validFrom: Date;
  @Column({ name: 'valid_to', type: 'timestamptz', nullable: true }) validTo: Date | null;
  /** Set with an explicit validTo (a sale): beats the open-ended price while both are valid. */
  @Column({ type: 'boolean', default: false }) scheduled: boolean;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  /** Joined in by the queries that need the list's currency and priority; not a column. */
  priceList?: PriceListRow;
}

@Entity({ name: 'tax_rule' })
export class TaxRuleRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'char', length: 2 }) country: string;
  /** ISO 3166-2 subdivision such as US-CA; null for the whole country. */
  @Column({ type: 'text', nullable: true }) region: string | null;
  @Column({ name: 'rate_basis_points', type: 'int' }) rateBasisPoints: number;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

/** Interim flat shipping rates until a shipping subgraph owns them. */
@Entity({ name: 'shipping_rate' })
export class ShippingRateRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'char', length: 2 }) country: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'bigint', transformer: int }) amount: number;
  @Column({ name: 'free_over', type: 'bigint', nullable: true, transformer: int }) freeOver:
    number | null;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}

export const pricingEntities = [CurrencyRow, PriceListRow, PriceRow, TaxRuleRow, ShippingRateRow];
