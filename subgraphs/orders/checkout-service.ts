import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../platform/errors';
import { uuidFromName } from '../../platform/ids';
import type { Viewer } from '../../platform/identity';
import { UpstreamError } from '../../platform/service-client';
import type { CartService } from './cart-service';
import type { CartQuoter, CartQuote } from './cart-quote';
import { CheckoutAttempts } from './checkout-attempts';
import type { OrdersClients, PaymentRef, ReservationRef } from './clients/index';
import { type AddressValue, CartLineRow, CartRow, OrderLineRow, OrderRow } from './entities';
import type { OrderService } from './order-service';
import { createLogger } from '../../platform/logging';

const log = createLogger('orders');

export interface CheckoutInput {
  cartId: string;
  idempotencyKey: string;
  email: string;
  shippingAddress: AddressValue;
  billingAddress?: AddressValue | null;
  payment: { token: string };
  /** The total the buyer was shown; a different quote now is PRICE_CHANGED, not a surprise charge. */
  expectedTotal?: { amount: number; currency: string } | null;
}

/**
 * Seams for tests to make a step fail where a network or a crash could: each runs after
 * its step succeeded, and whatever it throws must be undone like any other failure.
 */
export interface CheckoutFaults {
  afterReservation?(): void | Promise<void>;
  afterAuthorization?(): void | Promise<void>;
}

/** How long stock is held for a checkout that has not finished; committed on success. */
const RESERVATION_TTL_SECONDS = 900;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COUNTRY = /^[A-Z]{2}$/;
/** Failures that another try with the same key may get past. */
const RETRYABLE = new Set(['PAYMENT_FAILED', 'UPSTREAM_UNAVAILABLE', 'CHECKOUT_INTERRUPTED']);

/**
 * Orchestrates checkout across domains: quote (catalog, pricing, promotions, holding the
 * coupons), reserve stock, authorize the exact total, commit the reservation and the
 * coupons, write the order. Every remote step is keyed by the checkout's idempotency key
 * and attempt, so a retry never repeats an effect; a failure undoes the steps taken, in
 * reverse, so nothing is left reserved, authorized or counted.
 */
export class CheckoutService {
  readonly faults: CheckoutFaults = {};
  readonly attempts: CheckoutAttempts;

  constructor(
    private readonly db: DataSource,
    private readonly carts: CartService,
    private readonly orders: OrderService,
    private readonly quoter: CartQuoter,
    private readonly clients: OrdersClients,
  ) {
    this.attempts = new CheckoutAttempts(db);
  }

  async checkout(input: CheckoutInput, viewer: Viewer): Promise<OrderRow> {
    validate(input);
    const orderId = uuidFromName(`order:${input.idempotencyKey}`);
    const decision = await this.attempts.begin(
      input.idempotencyKey,
      requestHash(input, viewer),
      orderId,
    );
    if (decision.kind === 'failed') throw decision.failure;
    if (decision.kind === 'placed')
      return this.db.getRepository(OrderRow).findOneByOrFail({ id: decision.orderId });
    try {
      return await this.attempt(input, viewer, orderId, decision.attempt);
    } catch (error) {
      const failure = asDomainError(error);
      await this.attempts.fail(input.idempotencyKey, failure, RETRYABLE.has(failure.code));
      throw failure;
    }
  }

  private async attempt(
    input: CheckoutInput,
    viewer: Viewer,
    orderId: string,
    attempt: number,
  ): Promise<OrderRow> {
    const ref = `order:${orderId}:${attempt}`;
    const cart = await this.carts.mustFindActive(input.cartId);
    const lines = await this.db
      .getRepository(CartLineRow)
      .find({ where: { cartId: cart.id }, order: { seq: 'ASC' } });
    if (lines.length === 0)
      throw new DomainError('CART_EMPTY', 'The cart has no lines', ['cartId']);
    const shipping = normalizeAddress(input.shippingAddress);
    const customerKey =
      viewer.kind === 'customer' ? viewer.customerId : input.email.trim().toLowerCase();

    const undo: (() => Promise<unknown>)[] = [];
    try {
      // Released even if the answer is lost: redeeming is all or nothing and keyed by ref.
      undo.push(() => this.clients.promotions.release(ref));
      const quote = await this.quoter.quote({
        currency: cart.currency,
        lines: lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
        country: shipping.country,
        region: shipping.region,
        couponCodes: cart.discountCodes,
        customerKey,
        redeemFor: ref,
      });
      const total = quote.price.total;
      if (
        input.expectedTotal &&
        (input.expectedTotal.amount !== total || input.expectedTotal.currency !== cart.currency)
      ) {
        throw new DomainError(
          'PRICE_CHANGED',
          `The total is now ${total} ${cart.currency}; show it to the buyer and check out again`,
          ['expectedTotal'],
        );
      }
      if (total <= 0)
        throw new DomainError('INVALID_TOTAL', 'An order must cost something to be paid for', [
          'cartId',
        ]);

      const reservation = await this.clients.inventory.reserve(
        ref,
        lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        RESERVATION_TTL_SECONDS,
      );
      undo.push(() => this.clients.inventory.release(reservation.id));
      await this.faults.afterReservation?.();

      const payment = await this.authorize(
        orderId,
        attempt,
        total,
        cart.currency,
        input,
        customerKey,
        shipping,
      );
      undo.push(() =>
        this.clients.payments.void(payment.id, `order:${orderId}:${attempt}:checkout-void`),
      );
      await this.faults.afterAuthorization?.();

      await this.clients.inventory.commit(reservation.id);
      await this.clients.promotions.confirm(ref);
      return await this.placeOrder({
        orderId,
        input,
        cart,
        lines,
        quote,
        reservation,
        payment,
        viewer,
        shipping,
      });
    } catch (error) {
      for (const step of undo.reverse()) {
        await step().catch((undoError) =>
          log.error('checkout undo failed; the sweepers will finish it', {
            orderId,
            error: String(undoError),
          }),
        );
      }
      throw error;
    }
  }

  private async authorize(
    orderId: string,
    attempt: number,
    amount: number,
    currency: string,
    input: CheckoutInput,
    customerKey: string,
    shipping: AddressValue,
  ): Promise<PaymentRef> {
    const result = await this.clients.payments.authorize({
      orderId,
      amount,
      currency,
      token: input.payment.token,
      idempotencyKey: `checkout:${input.idempotencyKey}:${attempt}`,
      ...fraudSignals(input, customerKey, shipping),
    });
    const [failure] = result.userErrors;
    if (failure || !result.payment) {
      throw new DomainError(
        failure?.code ?? 'PAYMENT_FAILED',
        failure?.message ?? 'The payment failed',
        ['payment'],
      );
    }
    return result.payment;
  }

  private async placeOrder(args: {
    orderId: string;
    input: CheckoutInput;
    cart: CartRow;
    lines: CartLineRow[];
    quote: CartQuote;
    reservation: ReservationRef;
    payment: PaymentRef;
    viewer: Viewer;
    shipping: AddressValue;
  }): Promise<OrderRow> {
    const { orderId, input, cart, lines, quote } = args;
    const priced = new Map(quote.price.lines.map((l) => [l.variantId, l]));
    return this.db.transaction(async (tx) => {
      const closed = await tx
        .getRepository(CartRow)
        .update(
          { id: cart.id, status: 'ACTIVE' },
          { status: 'CHECKED_OUT', updatedAt: new Date() },
        );
      if (closed.affected !== 1) {
        throw new DomainError('CART_ALREADY_CHECKED_OUT', 'This cart has been checked out', [
          'cartId',
        ]);
      }
      await tx.getRepository(OrderRow).insert({
        id: orderId,
        customerId: args.viewer.kind === 'customer' ? args.viewer.customerId : null,
        email: input.email.trim().toLowerCase(),
        status: 'PENDING',
        currency: cart.currency,
        subtotalAmount: quote.price.subtotal,
        discountTotalAmount: quote.price.discountTotal + quote.price.shippingDiscountAmount,
        shippingAmount: quote.price.shippingAmount,
        taxTotalAmount: quote.price.taxTotal,
        taxInclusive: quote.price.taxInclusive,
        totalAmount: quote.price.total,
        discountCodes: cart.discountCodes,
        discounts: quote.discounts.applied,
        shippingAddress: args.shipping,
        billingAddress: input.billingAddress ? normalizeAddress(input.billingAddress) : null,
        cartId: cart.id,
        idempotencyKey: input.idempotencyKey,
        reservationId: args.reservation.id,
        paymentId: args.payment.id,
      });
      await tx.getRepository(OrderLineRow).insert(
        lines.map((line, position) => {
          const price = priced.get(line.variantId)!;
          return {
            orderId,
            position,
            variantId: line.variantId,
            sku: line.sku,
            productName: line.productName,
            variantTitle: line.variantTitle,
            quantity: line.quantity,
            unitPriceAmount: price.unitPrice,
            discountAmount: price.discountAmount,
            taxAmount: price.taxAmount,
            lineTotalAmount: price.lineTotal,
          };
        }),
      );
      await this.orders.recordStatus(tx, orderId, 'PENDING', 'Order placed');
      await this.attempts.succeed(tx, input.idempotencyKey);
      return tx.getRepository(OrderRow).findOneByOrFail({ id: orderId });
    });
  }
}

/** The request a key stands for: what is bought, by whom, shipped where, paid how. */
function requestHash(input: CheckoutInput, viewer: Viewer): string {
  const { idempotencyKey: _key, ...request } = input;
  return createHash('sha256')
    .update(JSON.stringify([request, viewer]))
    .digest('hex');
}

/** What the fraud assessment weighs, as far as checkout knows it. */
function fraudSignals(input: CheckoutInput, customerKey: string, shipping: AddressValue) {
  return {
    email: input.email.trim().toLowerCase(),
    customerKey,
    shippingCountry: shipping.country,
    billingCountry: input.billingAddress
      ? input.billingAddress.country.trim().toUpperCase()
      : shipping.country,
  };
}

function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof UpstreamError) {
    return new DomainError(
      'UPSTREAM_UNAVAILABLE',
      `${error.service} is unavailable; retry with the same idempotencyKey`,
      null,
    );
  }
  log.error('checkout failed unexpectedly', {
    error: error instanceof Error ? error.stack : String(error),
  });
  return new DomainError(
    'CHECKOUT_INTERRUPTED',
    'Checkout was interrupted; retry with the same idempotencyKey',
    null,
  );
}

function validate(input: CheckoutInput): void {
  const key = input.idempotencyKey;
  if (key.length < 8 || key.length > 200) {
    throw new DomainError('INVALID_IDEMPOTENCY_KEY', 'idempotencyKey must be 8 to 200 characters', [
      'idempotencyKey',
    ]);
  }
  if (!EMAIL.test(input.email.trim()) || input.email.length > 254) {
    throw new DomainError('INVALID_EMAIL', 'email is not a valid address', ['email']);
  }
  validateAddress(input.shippingAddress, 'shippingAddress');
  if (input.billingAddress) validateAddress(input.billingAddress, 'billingAddress');
  if (!input.payment.token.trim())
    throw new DomainError('REQUIRED', 'payment token cannot be empty', ['payment', 'token']);
}

function validateAddress(address: AddressValue, name: string): void {
  for (const field of ['name', 'line1', 'city', 'postalCode'] as const) {
    if (!address[field]?.trim())
      throw new DomainError('REQUIRED', `${field} cannot be empty`, [name, field]);
  }
  if (!COUNTRY.test(address.country.trim().toUpperCase())) {
    throw new DomainError('INVALID_COUNTRY', 'country must be an ISO 3166-1 alpha-2 code', [
      name,
      'country',
    ]);
  }
}

function normalizeAddress(address: AddressValue): AddressValue {
  return {
    name: address.name.trim(),
    line1: address.line1.trim(),
    line2: address.line2?.trim() || null,
    city: address.city.trim(),
    postalCode: address.postalCode.trim(),
    region: address.region?.trim() || null,
    country: address.country.trim().toUpperCase(),
    phone: address.phone?.trim() || null,
  };
}
