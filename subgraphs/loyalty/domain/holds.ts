import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { LoyaltyErrorCode as Code } from '../errors';
import { restoredShare } from './earning';
import type { GiftCardStore } from './gift-cards';
import type { LotTake, PointsLedger } from './ledger';

export interface HoldRequest {
  orderRef: string;
  orderId: string;
  customerId: string | null;
  currency: string;
  /** What the order costs; the tenders here pay part of it, the card the rest. */
  amountDue: number;
  points: number;
  giftCardCode: string | null;
  /** How much of the gift card to use; default: as much as it holds and the order needs. */
  giftCardAmount: number | null;
}

export interface Hold {
  orderRef: string;
  orderId: string;
  points: number;
  pointsAmount: number;
  giftCardAmount: number;
  giftCardLast4: string | null;
  status: string;
}

interface HoldRecord {
  order_ref: string;
  order_id: string;
  customer_id: string | null;
  points: string;
  points_amount: string;
  gift_card_id: string | null;
  gift_card_amount: string;
  last4: string | null;
  status: string;
  lots: LotTake[];
  restored_points: string;
  restored_amount: string;
}

const toHold = (r: HoldRecord): Hold => ({
  orderRef: r.order_ref,
  orderId: r.order_id,
  points: Number(r.points),
  pointsAmount: Number(r.points_amount),
  giftCardAmount: Number(r.gift_card_amount),
  giftCardLast4: r.last4,
  status: r.status,
});

const SELECT = `SELECT h.*, g.last4 FROM loyalty.hold h
  LEFT JOIN loyalty.gift_card g ON g.id = h.gift_card_id`;

/**
 * Checkout's redemptions, as promotions holds coupons: held when checkout asks (points and
 * the gift card debited at once, so two checkouts never spend the same balance), confirmed
 * with the order, released if checkout fails. Keyed by the saga's order reference: a retry
 * gets the first hold back. A refund of the order gives back its share of a confirmed hold.
 */
export class CheckoutHolds {
  constructor(
    private readonly db: DataSource,
    private readonly points: PointsLedger,
    private readonly giftCards: GiftCardStore,
    private readonly pointValue: number,
    private readonly ttlDays: number,
    private readonly now: () => Date,
  ) {}

  async hold(req: HoldRequest): Promise<Hold> {
    if (!Number.isInteger(req.points) || req.points < 0) {
      throw new DomainError(Code.INVALID_POINTS, 'Points are a whole number, 0 or more', [
        'points',
      ]);
    }
    if (req.points > 0 && !req.customerId) {
      throw new DomainError(Code.CUSTOMERS_ONLY, 'Sign in to redeem points', ['points']);
    }
    return this.db.transaction(async (tx) => {
      const first = await this.find(tx, req.orderRef);
      if (first) return first;
      const pointsAmount = req.points * this.pointValue;
      let left = req.amountDue - pointsAmount;
      if (left <= 0) throw coversTotal(['points']);
      const lots = req.points
        ? await this.points.debit(
            tx,
            {
              customerId: req.customerId!,
              points: req.points,
              kind: 'REDEEM',
              reference: `hold:${req.orderRef}`,
              note: `Checkout of order ${req.orderId}`,
            },
            { field: ['points'] },
          )
        : [];
      let giftCardId: string | null = null;
      let giftCardAmount = 0;
      if (req.giftCardCode) {
        const field = ['giftCardCode'];
        const card = await this.giftCards.byCode(req.giftCardCode, tx);
        if (!card) throw new DomainError(Code.GIFT_CARD_UNKNOWN, 'No such gift card', field);
        if (card.expiresAt && card.expiresAt <= this.now()) {
          throw new DomainError(Code.GIFT_CARD_EXPIRED, 'The gift card has expired', field);
        }
        if (card.currency !== req.currency) {
          throw new DomainError(
            Code.GIFT_CARD_CURRENCY,
            `The gift card is in ${card.currency}, the order in ${req.currency}`,
            field,
          );
        }
        giftCardAmount = req.giftCardAmount ?? Math.min(card.balance, left);
        if (!Number.isInteger(giftCardAmount) || giftCardAmount <= 0) {
          throw new DomainError(Code.INVALID_AMOUNT, 'A positive amount', ['giftCardAmount']);
        }
        if (giftCardAmount > card.balance) {
          throw new DomainError(Code.INSUFFICIENT_GIFT_CARD_BALANCE, 'The gift card holds less', [
            'giftCardAmount',
          ]);
        }
        left -= giftCardAmount;
        if (left <= 0) throw coversTotal(['giftCardAmount']);
        await this.giftCards.debit(
          tx,
          card,
          giftCardAmount,
          `hold:${req.orderRef}:gift`,
          this.now(),
          field,
        );
        giftCardId = card.id;
      }
      await tx.query(
        `INSERT INTO loyalty.hold (order_ref, order_id, customer_id, points, points_amount,
           gift_card_id, gift_card_amount, currency, status, lots)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'HELD', $9)`,
        [
          req.orderRef,
          req.orderId,
          req.customerId,
          req.points,
          pointsAmount,
          giftCardId,
          giftCardAmount,
          req.currency,
          JSON.stringify(lots),
        ],
      );
      return (await this.find(tx, req.orderRef))!;
    });
  }

  async confirm(orderRef: string): Promise<Hold | null> {
    await this.db.query(
      `UPDATE loyalty.hold SET status = 'CONFIRMED' WHERE order_ref = $1 AND status = 'HELD'`,
      [orderRef],
    );
    return this.find(this.db.manager, orderRef);
  }

  /** HELD or CONFIRMED → RELEASED: the points go back into their lots, the card is re-credited. */
  async release(orderRef: string): Promise<Hold | null> {
    return this.db.transaction(async (tx) => {
      const rows: HoldRecord[] = await tx.query(
        `SELECT * FROM loyalty.hold WHERE order_ref = $1 FOR UPDATE`,
        [orderRef],
      );
      const hold = rows[0];
      if (!hold) return null;
      if (hold.status !== 'RELEASED') {
        if (hold.customer_id && Number(hold.points) > 0) {
          await this.points.restoreLots(tx, hold.customer_id, hold.lots, `release:${orderRef}`);
        }
        if (hold.gift_card_id) {
          await this.giftCards.credit(
            tx,
            hold.gift_card_id,
            Number(hold.gift_card_amount),
            'GIFT_CARD_RELEASE',
            `release:${orderRef}:gift`,
          );
        }
        await tx.query(`UPDATE loyalty.hold SET status = 'RELEASED' WHERE order_ref = $1`, [
          orderRef,
        ]);
      }
      return this.find(tx, orderRef);
    });
  }

  /**
   * An order's card payment was refunded up to `refunded` of `paid`: each confirmed hold of
   * it gives back its share (restoredShare), less what earlier refunds gave back already.
   */
  async restoreForRefund(tx: EntityManager, orderId: string, refunded: number, paid: number) {
    const holds: HoldRecord[] = await tx.query(
      `SELECT * FROM loyalty.hold WHERE order_id = $1 AND status = 'CONFIRMED' FOR UPDATE`,
      [orderId],
    );
    for (const hold of holds) {
      const points = restoredShare(Number(hold.points), refunded, paid);
      const owedPoints = points - Number(hold.restored_points);
      if (hold.customer_id && owedPoints > 0) {
        const at = this.now();
        await this.points.credit(tx, {
          customerId: hold.customer_id,
          points: owedPoints,
          kind: 'REFUND_RESTORE',
          reference: `restore:${hold.order_ref}:${points}`,
          note: `Order ${orderId} refunded`,
          at,
          expiresAt: new Date(at.getTime() + this.ttlDays * 86_400_000),
        });
      }
      const amount = restoredShare(Number(hold.gift_card_amount), refunded, paid);
      const owedAmount = amount - Number(hold.restored_amount);
      if (hold.gift_card_id && owedAmount > 0) {
        await this.giftCards.credit(
          tx,
          hold.gift_card_id,
          owedAmount,
          'GIFT_CARD_REFUND',
          `restore:${hold.order_ref}:gift:${amount}`,
        );
      }
      await tx.query(
        `UPDATE loyalty.hold SET restored_points = GREATEST(restored_points, $2),
           restored_amount = GREATEST(restored_amount, $3) WHERE order_ref = $1`,
        [hold.order_ref, points, amount],
      );
    }
  }

  /** What checkouts of an order redeemed (its confirmed holds): earning leaves points out. */
  async confirmedOf(tx: EntityManager, orderId: string): Promise<Hold[]> {
    const rows: HoldRecord[] = await tx.query(
      `${SELECT} WHERE h.order_id = $1 AND h.status = 'CONFIRMED'`,
      [orderId],
    );
    return rows.map(toHold);
  }

  async byOrderIds(orderIds: readonly string[]): Promise<Hold[]> {
    const rows: HoldRecord[] = await this.db.query(
      `${SELECT} WHERE h.order_id = ANY($1::uuid[]) AND h.status <> 'RELEASED'`,
      [orderIds],
    );
    return rows.map(toHold);
  }

  private async find(tx: EntityManager, orderRef: string): Promise<Hold | null> {
    const rows: HoldRecord[] = await tx.query(`${SELECT} WHERE h.order_ref = $1`, [orderRef]);
    return rows[0] ? toHold(rows[0]) : null;
  }
}

function coversTotal(field: string[]) {
  return new DomainError(
    Code.TENDERS_COVER_TOTAL,
    'Points and gift cards may pay part of an order; the card pays the rest',
    field,
  );
}
