import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'category' })
export class CategoryRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId: string | null;
  @Column({ type: 'int', default: 0 }) position: number;
}

@Entity({ name: 'brand' })
export class BrandRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) slug: string;
}

export type ProductStatus = 'DRAFT' | 'ACTIVE' | 'ARCHIVED';

@Entity({ name: 'product' })
export class ProductRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) slug: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', default: '' }) description: string;
  @Column({ type: 'text', default: 'ACTIVE' }) status: ProductStatus;
  @Column({ name: 'brand_id', type: 'uuid', nullable: true }) brandId: string | null;
  @Column({ name: 'category_id', type: 'uuid', nullable: true }) categoryId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
  /** Customers younger than this (or not age-verified) neither find nor buy it; null: anyone. */
  @Column({ name: 'minimum_age', type: 'int', nullable: true }) minimumAge: number | null;
  /** ISO 3166-1 alpha-2 codes of countries it is not shown in nor sold to. */
  @Column({ name: 'denied_countries', type: 'text', array: true, default: () => "'{}'" })
  deniedCountries: string[];
}

export interface VariantOptionValue {
  name: string;
  value: string;
}

@Entity({ name: 'product_variant' })
export class ProductVariantRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ type: 'text' }) sku: string;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'jsonb', default: () => "'[]'" }) options: VariantOptionValue[];
  @Column({ type: 'int', default: 0 }) position: number;
  /** Shipping weight in grams (bands of the shipping subgraph); null: not yet weighed. */
  @Column({ name: 'weight_grams', type: 'int', nullable: true }) weightGrams: number | null;
  /** Parcel dimensions in millimetres; all three or none. */
  @Column({ name: 'length_mm', type: 'int', nullable: true }) lengthMm: number | null;
  @Column({ name: 'width_mm', type: 'int', nullable: true }) widthMm: number | null;
  @Column({ name: 'height_mm', type: 'int', nullable: true }) heightMm: number | null;
  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true }) archivedAt: Date | null;
}

export type AttributeType = 'TEXT' | 'NUMBER' | 'BOOLEAN' | 'ENUM' | 'MULTI_ENUM' | 'DATE';

@Entity({ name: 'attribute' })
export class AttributeRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) type: AttributeType;
  @Column({ type: 'text', nullable: true }) unit: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) choices: string[];
  @Column({ type: 'boolean', default: false }) filterable: boolean;
  @Column({ type: 'boolean', default: false }) facetable: boolean;
  @Column({ name: 'visible_on_page', type: 'boolean', default: true }) visibleOnPage: boolean;
  @Column({ type: 'int', default: 0 }) position: number;
}

/** An attribute's value on a product (variantId null) or on one variant, in canonical text. */
@Entity({ name: 'attribute_value' })
export class AttributeValueRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ name: 'variant_id', type: 'uuid', nullable: true }) variantId: string | null;
  @Column({ name: 'attribute_id', type: 'uuid' }) attributeId: string;
  @Column({ type: 'text', array: true }) values: string[];
}

export type MediaKind = 'IMAGE' | 'VIDEO';

@Entity({ name: 'product_media' })
export class ProductMediaRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ name: 'variant_id', type: 'uuid', nullable: true }) variantId: string | null;
  @Column({ type: 'text' }) kind: MediaKind;
  @Column({ type: 'text' }) url: string;
  @Column({ type: 'text', default: '' }) alt: string;
  @Column({ type: 'int', default: 0 }) position: number;
  @Column({ type: 'int', nullable: true }) width: number | null;
  @Column({ type: 'int', nullable: true }) height: number | null;
}

@Entity({ name: 'age_claim' })
export class AgeClaimRow {
  @Column({ name: 'customer_id', type: 'text', primary: true }) customerId: string;
  @Column({ name: 'birth_date', type: 'date' }) birthDate: string;
  @Column({ type: 'text' }) provider: string;
  @Column({ type: 'text' }) reference: string;
  @Column({ name: 'verified_at', type: 'timestamptz', default: () => 'now()' }) verifiedAt: Date;
}

@Entity({ name: 'product_translation' })
export class ProductTranslationRow {
  @Column({ name: 'product_id', type: 'uuid', primary: true }) productId: string;
  @Column({ type: 'text', primary: true }) locale: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', default: '' }) description: string;
}

export const catalogEntities = [
  ProductTranslationRow,
  CategoryRow,
  BrandRow,
  ProductRow,
  ProductVariantRow,
  AttributeRow,
  AttributeValueRow,
  ProductMediaRow,
  AgeClaimRow,
];
