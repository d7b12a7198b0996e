import { DomainError } from '../../../../platform/errors';
import type { Viewer } from '../../../../platform/identity';
import type { LoyaltyHold, OrdersClients, PaymentRef, ReservationRef } from '../../clients/index';
import type { AddressValue, CartLineRow, CartRow } from '../../entities';
import { OrdersErrorCode } from '../../errors';
import { type CartQuote, type CartQuoter, holdsCoupons, settled } from '../cart-quote';
import type { ShippingFields } from '../shipping-choice';
import type { CheckoutInput } from './input';

/**
 * The references of one generation of a checkout: derived from the idempotency key (not
 * the attempt), so a retry after a crash names the same coupon hold, reservation and
 * authorization, and the callees (idempotent per reference) hand back the first effect.
 */
export interface CheckoutRefs {
  key: string;
  generation: number;
  /** Coupon hold (promotions orderRef) and reservation (inventory reference). */
  ref: string;
  /** The payment's idempotency key. */
  paymentKey: string;
  orderId: string;
}

export function refsFor(key: string, generation: number, orderId: string): CheckoutRefs {
  return {
    key,
    generation,
    orderId,
    ref: `order:${orderId}:${generation}`,
    paymentKey: `checkout:${key}:${generation}`,
  };
}

/** Checkout's shipping refusals point at its input. */
const CHECKOUT_SHIPPING_FIELDS: ShippingFields = {
  destination: ['input', 'shippingAddress', 'country'],
  method: ['input', 'shippingMethodId'],
};

/** What the steps share while one attempt runs. */
export interface CheckoutRun {
  refs: CheckoutRefs;
  input: CheckoutInput;
  viewer: Viewer;
  cart: CartRow;
  lines: CartLineRow[];
  shipping: AddressValue;
  customerKey: string;
  customerSegments: string[];
  quote?: CartQuote;
  /** Promotions holds coupon uses under the run's ref (codes were entered): confirmed with the order. */
  couponsHeld?: boolean;
  reservation?: ReservationRef;
  payment?: PaymentRef;
  /** Loyalty's points and gift card holding part of the total; null when none were asked for. */
  loyalty?: LoyaltyHold | null;
}

/** What the card (or other method) is charged: the total less loyalty's tenders. */
export function cardAmount(run: CheckoutRun): number {
  const held = run.loyalty ? run.loyalty.pointsAmount + run.loyalty.giftCardAmount : 0;
  return run.quote!.price.total - held;
}

export type StepOutput = Record<string, unknown> | null;

/**
 * One step of checkout: `run` acts (idempotently, by the run's references) and returns
 * what its compensation needs (recorded in the attempt row); `compensate` undoes it from
 * that record alone, so the recovery sweeper can undo a dead process's steps by name.
 */
export interface CheckoutStep {
  name: string;
  /** False: the step has nothing to do for this run, and is neither run nor recorded. */
  applies?(run: CheckoutRun): boolean;
  run(run: CheckoutRun): Promise<StepOutput>;
  compensate(refs: CheckoutRefs, output: StepOutput): Promise<void>;
}

export interface StepDeps {
  clients: OrdersClients;
  quoter: CartQuoter;
  reservationTtlSeconds: number;
}

/** An effect a retry would adopt has been undone meanwhile (expired, voided): start a new generation. */
function interrupted(what: string): DomainError {
  return new DomainError(
    OrdersErrorCode.CHECKOUT_INTERRUPTED,
    `Checkout was interrupted (${what}); retry with the same idempotencyKey`,
  );
}

export function checkoutSteps({ clients, quoter, reservationTtlSeconds }: StepDeps) {
  const holdDiscounts: CheckoutStep = {
    name: 'hold-discounts',
    async run(run) {
      const request = {
        couponCodes: run.cart.discountCodes,
        redeemFor: run.refs.ref,
      };
      const quote = await quoter.quote({
        ...request,
        currency: run.cart.currency,
        lines: run.lines.map((l) => ({
          variantId: l.variantId,
          quantity: l.quantity,
          // A draft order's line is charged at staff's price (null: the lists').
          unitPrice: l.unitPriceOverride,
        })),
        country: run.shipping.country,
        region: run.shipping.region,
        customerKey: run.customerKey,
        customerSegments: run.customerSegments,
        shippingMethodId: run.input.shippingMethodId ?? null,
        shippingFields: CHECKOUT_SHIPPING_FIELDS,
        buyer: { customerId: run.cart.customerId },
        pricedLines: run.cart.pricedLines,
      });
      const total = quote.price.total;
      const expected = run.input.expectedTotal;
      if (expected && (expected.amount !== total || expected.currency !== run.cart.currency)) {
        throw new DomainError(
          OrdersErrorCode.PRICE_CHANGED,
          `The total is now ${total} ${run.cart.currency}; show it to the buyer and check out again`,
          ['expectedTotal'],
        );
      }
      if (total <= 0) {
        throw new DomainError(
          OrdersErrorCode.INVALID_TOTAL,
          'An order must cost something to be paid for',
          ['cartId'],
        );
      }
      run.quote = quote;
      run.couponsHeld = holdsCoupons(request);
      return { orderRef: run.refs.ref };
    },
    // Released even if the redemption's answer was lost: redeeming is all or nothing, keyed by ref.
    // Also when no codes were held this time: a dead attempt may have held some under this ref.
    compensate: (refs) => clients.promotions.release(refs.ref),
  };

  /** Points and a gift card pay part of the total: held now, confirmed with the order. */
  const holdLoyalty: CheckoutStep = {
    name: 'hold-loyalty',
    applies(run) {
      const asked = run.input.loyalty;
      const wanted = !!asked && (!!asked.points || !!asked.giftCardCode);
      if (!wanted) run.loyalty = null;
      return wanted;
    },
    async run(run) {
      const asked = run.input.loyalty!;
      run.loyalty = await clients.loyalty.hold({
        orderRef: run.refs.ref,
        orderId: run.refs.orderId,
        customerId: run.viewer.kind === 'customer' ? run.viewer.customerId : null,
        currency: run.cart.currency,
        amountDue: run.quote!.price.total,
        points: asked.points ?? 0,
        giftCardCode: asked.giftCardCode ?? null,
        giftCardAmount: asked.giftCardAmount ?? null,
      });
      return { orderRef: run.refs.ref };
    },
    // Released even if the hold's answer was lost: holding is all or nothing, keyed by ref.
    async compensate(refs, output) {
      if (output) await clients.loyalty.release(refs.ref);
    },
  };

  const reserveStock: CheckoutStep = {
    name: 'reserve-stock',
    async run(run) {
      const reservation = await clients.inventory.reserve(
        run.refs.ref,
        run.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        reservationTtlSeconds,
      );
      if (reservation.status !== 'ACTIVE' && reservation.status !== 'COMMITTED') {
        throw interrupted(`the stock hold is ${reservation.status.toLowerCase()}`);
      }
      run.reservation = reservation;
      return { reservationId: reservation.id };
    },
    async compensate(_refs, output) {
      // Without an id (a crash before the answer), inventory's expiry releases the hold.
      if (typeof output?.reservationId === 'string') {
        await clients.inventory.release(output.reservationId);
      }
    },
  };

  const authorizePayment: CheckoutStep = {
    name: 'authorize-payment',
    async run(run) {
      const { input, shipping } = run;
      const result = await clients.payments.authorize({
        orderId: run.refs.orderId,
        amount: cardAmount(run),
        currency: run.cart.currency,
        method: input.payment.method ?? 'CARD',
        token: input.payment.token ?? null,
        savedMethodId: input.payment.savedMethodId ?? null,
        idempotencyKey: run.refs.paymentKey,
        email: input.email,
        customerKey: run.customerKey,
        shippingCountry: shipping.country,
        billingCountry: input.billingAddress?.country ?? shipping.country,
      });
      // 3-D Secure: nothing is kept (stock and discounts are released like any failure);
      // the buyer answers the challenge and places the order again with the same key.
      if (result.payment?.status === 'REQUIRES_ACTION' && result.payment.nextAction) {
        throw new PaymentActionRequiredError(result.payment.nextAction);
      }
      const [failure] = result.userErrors;
      if (failure || !result.payment) {
        throw new DomainError(
          failure?.code ?? OrdersErrorCode.PAYMENT_FAILED,
          failure?.message ?? 'The payment failed',
          ['payment'],
        );
      }
      if (result.payment.status !== 'AUTHORIZED') {
        throw interrupted(`the authorization is ${result.payment.status.toLowerCase()}`);
      }
      run.payment = result.payment;
      return { paymentId: result.payment.id };
    },
    async compensate(refs, output) {
      // Without an id (a crash before the answer), payments' reconciler voids it.
      if (typeof output?.paymentId === 'string') {
        await clients.payments.void(output.paymentId, `${refs.paymentKey}:void`);
      }
    },
  };

  /** The hold stops expiring and the coupon uses count; undone by the steps before it. */
  const commitHolds: CheckoutStep = {
    name: 'commit-holds',
    async run(run) {
      // Three callees, none waiting for another; all answer before any failure is undone,
      // so no compensation races a confirmation still in flight.
      const confirmed = await Promise.allSettled([
        clients.inventory.commit(run.reservation!.id),
        run.couponsHeld ? clients.promotions.confirm(run.refs.ref) : null,
        run.loyalty ? clients.loyalty.confirm(run.refs.ref) : null,
      ]);
      for (const result of confirmed) settled<unknown>(result);
      return null;
    },
    compensate: async () => {},
  };

  return { holdDiscounts, holdLoyalty, reserveStock, authorizePayment, commitHolds };
}

export type CheckoutSteps = ReturnType<typeof checkoutSteps>;

/** In the order they run; compensation runs the other way. */
export function stepOrder(steps: CheckoutSteps): CheckoutStep[] {
  return [
    steps.holdDiscounts,
    steps.holdLoyalty,
    steps.reserveStock,
    steps.authorizePayment,
    steps.commitHolds,
  ];
}

/** The card's bank wants the buyer to authenticate first; the payload shows them where. */
export class PaymentActionRequiredError extends DomainError {
  constructor(readonly action: { url: string; expiresAt: string }) {
    super(
      OrdersErrorCode.PAYMENT_ACTION_REQUIRED,
      'The card requires 3-D Secure: complete the challenge at paymentAction.url, then retry with the same idempotencyKey',
      ['payment'],
    );
  }
}
