import type { DataSource } from 'typeorm';
import { DomainError } from '../../platform/errors';
import type { EventHandler } from '../../platform/events/consume';
import type { Viewer } from '../../platform/identity';
import {
  ORDER_CONFIRMED_TOPIC,
  ORDER_DELIVERED_TOPIC,
  PAYMENT_CHANGED_TOPIC,
  type OrderConfirmedEvent,
  type OrderFulfillmentEvent,
  type PaymentChangedEvent,
} from '../../platform/topics';
import type { LoyaltyConfig } from './config';
import { Accounts } from './domain/accounts';
import type { Tier } from './domain/earning';
import { expireDueLots } from './domain/expiry';
import { GiftCardStore } from './domain/gift-cards';
import { CheckoutHolds, type HoldRequest } from './domain/holds';
import { PointsLedger } from './domain/ledger';
import { OrderEvents } from './domain/order-events';
import { LoyaltyErrorCode as Code } from './errors';

/** What time it is for loyalty: a test moves it to see lots expire and spend roll out. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Loyalty's entry point: orders', fulfillment's and payments' events in (earning, refunds),
 * accounts and referrals, checkout holds of points and gift cards, gift cards issued by
 * staff, and the expiry job. `clock` is replaceable (tests), read at each use.
 */
export class LoyaltyService {
  clock: Clock = systemClock;
  readonly ledger = new PointsLedger();
  readonly giftCards: GiftCardStore;
  readonly holds: CheckoutHolds;
  readonly events: OrderEvents;
  readonly accounts: Accounts;

  constructor(
    private readonly db: DataSource,
    readonly config: LoyaltyConfig,
  ) {
    const now = () => this.clock.now();
    this.giftCards = new GiftCardStore(db);
    this.holds = new CheckoutHolds(
      db,
      this.ledger,
      this.giftCards,
      config.LOYALTY_POINT_VALUE,
      config.LOYALTY_POINTS_TTL_DAYS,
      now,
    );
    const rules = () => ({
      pointsPerUnit: config.LOYALTY_POINTS_PER_UNIT,
      tiers: this.tiers(),
      ttlDays: config.LOYALTY_POINTS_TTL_DAYS,
      referralPoints: config.LOYALTY_REFERRAL_POINTS,
    });
    this.events = new OrderEvents(this.ledger, this.holds, rules, now);
    this.accounts = new Accounts(db, this.ledger, this.events, () => this.tiers(), now);
  }

  tiers(): Tier[] {
    const c = this.config;
    return [
      { name: 'BRONZE', minSpend: 0, multiplier: 1 },
      { name: 'SILVER', minSpend: c.LOYALTY_SILVER_SPEND, multiplier: 1.25 },
      { name: 'GOLD', minSpend: c.LOYALTY_GOLD_SPEND, multiplier: 1.5 },
      { name: 'PLATINUM', minSpend: c.LOYALTY_PLATINUM_SPEND, multiplier: 2 },
    ];
  }

  consumers(): EventHandler<never>[] {
    const handlers: [
      EventHandler<OrderConfirmedEvent>,
      EventHandler<OrderFulfillmentEvent>,
      EventHandler<PaymentChangedEvent>,
    ] = [
      { topic: ORDER_CONFIRMED_TOPIC, handle: (tx, e) => this.events.confirmed(tx, e) },
      { topic: ORDER_DELIVERED_TOPIC, handle: (tx, e) => this.events.delivered(tx, e) },
      { topic: PAYMENT_CHANGED_TOPIC, handle: (tx, e) => this.events.paymentChanged(tx, e) },
    ];
    return handlers as unknown as EventHandler<never>[];
  }

  account(customerId: string) {
    return this.accounts.of(customerId);
  }

  mine(viewer: Viewer) {
    return this.accounts.of(this.customerOf(viewer));
  }

  applyReferral(viewer: Viewer, code: string) {
    return this.accounts.applyReferral(this.customerOf(viewer), code);
  }

  hold(request: HoldRequest) {
    return this.holds.hold(request);
  }

  async issueGiftCard(
    viewer: Viewer,
    input: {
      amount: number;
      currency: string;
      expiresAt?: string | null;
      idempotencyKey?: string | null;
    },
  ) {
    if (!Number.isInteger(input.amount) || input.amount <= 0) {
      throw new DomainError(Code.INVALID_AMOUNT, 'A positive amount in minor units', [
        'input',
        'amount',
      ]);
    }
    if (!/^[A-Z]{3}$/.test(input.currency)) {
      throw new DomainError(Code.INVALID_CURRENCY, 'An ISO 4217 code such as EUR', [
        'input',
        'currency',
      ]);
    }
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt <= this.clock.now())) {
      throw new DomainError(Code.INVALID_EXPIRY, 'An ISO 8601 date in the future', [
        'input',
        'expiresAt',
      ]);
    }
    return this.giftCards.issue({
      amount: input.amount,
      currency: input.currency,
      expiresAt,
      issuedBy: viewer.kind === 'staff' ? viewer.staffId : viewer.kind,
      idempotencyKey: input.idempotencyKey ?? null,
    });
  }

  async giftCardBalance(code: string) {
    const card = await this.giftCards.byCode(code);
    if (!card) return null;
    return { ...card, expired: !!card.expiresAt && card.expiresAt <= this.clock.now() };
  }

  /** The expiry job's one run, at the clock's now. */
  expire() {
    return expireDueLots(this.db, this.ledger, this.clock.now());
  }

  private customerOf(viewer: Viewer): string {
    if (viewer.kind !== 'customer') {
      throw new DomainError(Code.CUSTOMERS_ONLY, 'Only a signed-in customer has an account', null);
    }
    return viewer.customerId;
  }
}
