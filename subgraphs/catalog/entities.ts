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

export const catalogEntities = [CategoryRow, BrandRow, ProductRow, ProductVariantRow];
