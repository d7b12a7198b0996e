import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Reviews reads and writes in plain SQL (domain/): posting, votes and ratings rely on
 * constraints and locks stated in SQL. These entities describe the main tables for tests
 * and operators; the API never sees them (resolvers map the domain's `Review`).
 */
@Entity({ name: 'review' })
export class ReviewRow {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ name: 'customer_id', type: 'text' }) customerId: string;
  @Column({ type: 'int' }) rating: number;
  @Column({ type: 'text' }) status: string;
  @Column({ name: 'verified_purchase', type: 'boolean' }) verifiedPurchase: boolean;
  @Column({ name: 'helpful_count', type: 'int' }) helpfulCount: number;
}

@Entity({ name: 'product_rating' })
export class ProductRatingRow {
  @PrimaryColumn({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ name: 'review_count', type: 'int' }) reviewCount: number;
  @Column({ name: 'rating_sum', type: 'int' }) ratingSum: number;
}

export const reviewsEntities = [ReviewRow, ProductRatingRow];
