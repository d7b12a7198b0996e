import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Loyalty reads and writes in plain SQL (domain/): balances rely on conditional UPDATEs and
 * CHECK constraints stated in SQL. These entities describe the main tables for tests and
 * operators; the API never sees them (resolvers map the domain's types).
 */
@Entity({ name: 'account' })
export class LoyaltyAccountRow {
  @PrimaryColumn({ name: 'customer_id', type: 'text' }) customerId: string;
  @Column({ name: 'points_balance', type: 'bigint' }) pointsBalance: string;
  @Column({ name: 'referral_code', type: 'text' }) referralCode: string;
}

@Entity({ name: 'gift_card' })
export class GiftCardRow {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ type: 'text' }) last4: string;
  @Column({ type: 'char', length: 3 }) currency: string;
  @Column({ type: 'bigint' }) balance: string;
}

export const loyaltyEntities = [LoyaltyAccountRow, GiftCardRow];
