import type { EntityManager } from 'typeorm';
import type {
  OrderConfirmedEvent,
  OrderFulfillmentEvent,
  PaymentChangedEvent,
} from '../../../platform/topics';
import { eligibleAmount, pointsFor, tierFor, type EarningRules } from './earning';
import type { CheckoutHolds } from './holds';
import { type PointsLedger, returnedRows } from './ledger';

const YEAR_MS = 365 * 86_400_000;

interface OrderSource {
  customer_id: string | null;
  total_amount: string;
  points_amount: string;
  refunded_amount: string;
  paid_amount: string | null;
  delivered_at: Date | null;
  multiplier: string;
  earned_points: string;
}

export interface EventRules extends EarningRules {
  ttlDays: number;
  referralPoints: number;
}

/**
 * What orders', fulfillment's and payments' events do to points, each in the event's inbox
 * transaction (so once per event): a confirmed order is remembered with its amounts, its
 * delivery earns (at the tier its customer's rolling 12-month spend reaches, and rewards a
 * referral on the referee's first delivery), and a refund takes back what the refunded part
 * earned and gives back its share of what the checkout redeemed.
 */
export class OrderEvents {
  constructor(
    private readonly ledger: PointsLedger,
    private readonly holds: CheckoutHolds,
    private readonly rules: () => EventRules,
    private readonly now: () => Date,
  ) {}

  async confirmed(tx: EntityManager, e: OrderConfirmedEvent): Promise<void> {
    const points = (e.tenders ?? [])
      .filter((t) => t.kind === 'POINTS')
      .reduce((sum, t) => sum + t.amount, 0);
    await tx.query(
      `INSERT INTO loyalty.order_source (order_id, customer_id, currency, total_amount, points_amount)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING`,
      [e.orderId, e.customerId, e.currency, e.totalAmount ?? 0, points],
    );
  }

  async delivered(tx: EntityManager, e: OrderFulfillmentEvent): Promise<void> {
    const rows: OrderSource[] = await tx.query(
      `SELECT * FROM loyalty.order_source WHERE order_id = $1 FOR UPDATE`,
      [e.orderId],
    );
    const order = rows[0];
    if (!order || order.delivered_at || !order.customer_id) return;
    const customerId = order.customer_id;
    const at = this.now();
    const rules = this.rules();
    await this.ledger.ensureAccount(tx, customerId);
    // The account's lock orders one customer's deliveries: each sees the spend before it.
    const accounts: { first_delivery_at: Date | null; referred_by: string | null }[] =
      await tx.query(
        `SELECT first_delivery_at, referred_by FROM loyalty.account WHERE customer_id = $1 FOR UPDATE`,
        [customerId],
      );
    const eligible = eligibleAmount(amounts(order));
    const spend = (await this.spendOf(tx, customerId, at)) + eligible;
    const tier = tierFor(spend, rules.tiers);
    const points = pointsFor(eligible, tier.multiplier, rules);
    await tx.query(
      `UPDATE loyalty.order_source SET delivered_at = $2, multiplier = $3, earned_points = $4
       WHERE order_id = $1`,
      [e.orderId, at, tier.multiplier, points],
    );
    const expiresAt = new Date(at.getTime() + rules.ttlDays * 86_400_000);
    await this.ledger.credit(tx, {
      customerId,
      points,
      kind: 'EARN',
      reference: `earn:${e.orderId}`,
      note: `Order ${e.orderId} delivered (${tier.name})`,
      at,
      expiresAt,
    });
    const account = accounts[0]!;
    if (account.first_delivery_at) return;
    await tx.query(`UPDATE loyalty.account SET first_delivery_at = $2 WHERE customer_id = $1`, [
      customerId,
      at,
    ]);
    if (!account.referred_by || rules.referralPoints <= 0) return;
    // Both sides once: the referee's first delivery happens once, and the references are unique.
    for (const [who, reference] of [
      [customerId, `referral:${customerId}:referee`],
      [account.referred_by, `referral:${customerId}:referrer`],
    ] as const) {
      await this.ledger.credit(tx, {
        customerId: who,
        points: rules.referralPoints,
        kind: 'REFERRAL',
        reference,
        note: 'Referral reward',
        at,
        expiresAt,
      });
    }
  }

  async paymentChanged(tx: EntityManager, e: PaymentChangedEvent): Promise<void> {
    if (e.refundedAmount <= 0) return;
    const rows = returnedRows<OrderSource>(
      await tx.query(
        `UPDATE loyalty.order_source
           SET refunded_amount = GREATEST(refunded_amount, $2), paid_amount = $3
         WHERE order_id = $1 RETURNING *`,
        [e.orderId, e.refundedAmount, e.capturedAmount || e.amount],
      ),
    );
    const paid = e.capturedAmount || e.amount;
    await this.holds.restoreForRefund(tx, e.orderId, e.refundedAmount, paid);
    const order = rows[0];
    if (!order?.delivered_at || !order.customer_id) return;
    const target = pointsFor(
      eligibleAmount(amounts(order)),
      Number(order.multiplier),
      this.rules(),
    );
    const earned = Number(order.earned_points);
    if (target >= earned) return;
    await this.ledger.debit(
      tx,
      {
        customerId: order.customer_id,
        points: earned - target,
        kind: 'REFUND_CLAWBACK',
        reference: `clawback:${e.orderId}:${target}`,
        note: `Order ${e.orderId} refunded`,
      },
      // Points spent meanwhile are not taken twice: the balance never goes below zero.
      { upTo: true },
    );
    await tx.query(`UPDATE loyalty.order_source SET earned_points = $2 WHERE order_id = $1`, [
      e.orderId,
      target,
    ]);
  }

  /** Delivered, eligible spend of the last 12 months before `at`. */
  async spendOf(tx: EntityManager, customerId: string, at: Date): Promise<number> {
    const rows: { spend: string | null }[] = await tx.query(
      `SELECT sum(GREATEST(0, total_amount - points_amount - refunded_amount))::text AS spend
       FROM loyalty.order_source
       WHERE customer_id = $1 AND delivered_at > $2 AND delivered_at <= $3`,
      [customerId, new Date(at.getTime() - YEAR_MS), at],
    );
    return Number(rows[0]?.spend ?? 0);
  }
}

const amounts = (o: OrderSource) => ({
  totalAmount: Number(o.total_amount),
  pointsAmount: Number(o.points_amount),
  refundedAmount: Number(o.refunded_amount),
});
