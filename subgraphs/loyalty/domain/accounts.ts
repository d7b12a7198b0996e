import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { LoyaltyErrorCode as Code } from '../errors';
import { nextTier, tierFor, type Tier } from './earning';
import type { PointsLedger } from './ledger';
import type { OrderEvents } from './order-events';

export interface LoyaltyAccount {
  customerId: string;
  pointsBalance: number;
  referralCode: string;
  rollingSpend: number;
  tier: Tier;
  nextTier: Tier | null;
  nextExpiry: { points: number; expiresAt: Date } | null;
}

export interface LedgerEntry {
  kind: string;
  points: number;
  note: string | null;
  createdAt: Date;
}

/** Reading an account (opened on first sight) and naming a referrer. */
export class Accounts {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: PointsLedger,
    private readonly events: OrderEvents,
    private readonly tiers: () => Tier[],
    private readonly now: () => Date,
  ) {}

  async of(customerId: string): Promise<LoyaltyAccount> {
    await this.db.transaction((tx) => this.ledger.ensureAccount(tx, customerId));
    const [account] = (await this.db.query(
      `SELECT points_balance, referral_code FROM loyalty.account WHERE customer_id = $1`,
      [customerId],
    )) as { points_balance: string; referral_code: string }[];
    const at = this.now();
    const [expiry] = (await this.db.query(
      `SELECT expires_at, sum(remaining)::text AS points FROM loyalty.points_lot
       WHERE customer_id = $1 AND remaining > 0 AND expires_at > $2
       GROUP BY expires_at ORDER BY expires_at LIMIT 1`,
      [customerId, at],
    )) as { expires_at: Date; points: string }[];
    const rollingSpend = await this.events.spendOf(this.db.manager, customerId, at);
    const tier = tierFor(rollingSpend, this.tiers());
    return {
      customerId,
      pointsBalance: Number(account!.points_balance),
      referralCode: account!.referral_code,
      rollingSpend,
      tier,
      nextTier: nextTier(tier, this.tiers()),
      nextExpiry: expiry ? { points: Number(expiry.points), expiresAt: expiry.expires_at } : null,
    };
  }

  async entries(customerId: string, first: number): Promise<LedgerEntry[]> {
    const rows: { kind: string; points: string; note: string | null; created_at: Date }[] =
      await this.db.query(
        `SELECT kind, points, note, created_at FROM loyalty.ledger
         WHERE customer_id = $1 ORDER BY id DESC LIMIT $2`,
        [customerId, Math.max(1, Math.min(first, 100))],
      );
    return rows.map((r) => ({
      kind: r.kind,
      points: Number(r.points),
      note: r.note,
      createdAt: r.created_at,
    }));
  }

  /** Before the referee's first delivery, once, never one's own code. */
  async applyReferral(customerId: string, code: string): Promise<LoyaltyAccount> {
    const field = ['code'];
    await this.db.transaction(async (tx) => {
      await this.ledger.ensureAccount(tx, customerId);
      const [referrer] = (await tx.query(
        `SELECT customer_id FROM loyalty.account WHERE referral_code = $1`,
        [code.trim().toUpperCase()],
      )) as { customer_id: string }[];
      if (!referrer) throw new DomainError(Code.REFERRAL_UNKNOWN, 'No such referral code', field);
      if (referrer.customer_id === customerId) {
        throw new DomainError(Code.SELF_REFERRAL, 'Your own code does not count', field);
      }
      const [me] = (await tx.query(
        `SELECT referred_by, first_delivery_at FROM loyalty.account
         WHERE customer_id = $1 FOR UPDATE`,
        [customerId],
      )) as { referred_by: string | null; first_delivery_at: Date | null }[];
      if (me!.referred_by) {
        throw new DomainError(Code.ALREADY_REFERRED, 'A referrer is named already', field);
      }
      if (me!.first_delivery_at) {
        throw new DomainError(
          Code.REFERRAL_TOO_LATE,
          'Referrals count only before the first delivered order',
          field,
        );
      }
      await tx.query(`UPDATE loyalty.account SET referred_by = $2 WHERE customer_id = $1`, [
        customerId,
        referrer.customer_id,
      ]);
    });
    return this.of(customerId);
  }
}
