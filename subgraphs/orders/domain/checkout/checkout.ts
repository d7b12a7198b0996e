import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../../../platform/errors';
import { uuidFromName } from '../../../../platform/ids';
import type { Viewer } from '../../../../platform/identity';
import { createLogger } from '../../../../platform/logging';
import type { OrdersClients, ShippingOption } from '../../clients/index';
import { OrderRow, type ShippingMethodValue, type StepProgress } from '../../entities';
import { OrdersErrorCode, RETRYABLE_CHECKOUT_FAILURES } from '../../errors';
import { settled } from '../cart-quote';
import type { CartService } from '../carts';
import type { OrderService } from '../orders';
import { type AttemptLease, CheckoutAttempts, LeaseLostError } from './attempts';
import { type CheckoutInput, parseCheckoutInput } from './input';
import { insertPlacedOrder, type PlacedOrder } from './place-order';
import { type CheckoutRun, type CheckoutStep, cardAmount, refsFor } from './steps';
import type { OrderTender } from '../../../../platform/topics';

const log = createLogger('orders');

/**
 * Seams for tests to make a step fail where a network or a crash could: each runs after
 * its step succeeded (and was recorded), and whatever it throws is undone like any failure.
 */
export interface CheckoutFaults {
  afterReservation?(): void | Promise<void>;
  afterAuthorization?(): void | Promise<void>;
}

const FAULT_AFTER: Record<string, keyof CheckoutFaults> = {
  'reserve-stock': 'afterReservation',
  'authorize-payment': 'afterAuthorization',
};

/**
 * The checkout use case: validates, takes the idempotency key's lease (renewed while it
 * runs), runs the named steps (discount hold, stock, payment, commit), each recorded in
 * the attempt row before and after it acts, then writes the order fenced by the lease. A
 * failure undoes the steps taken, in reverse; a crash leaves the record for a retry to
 * adopt or for the recovery sweeper to undo.
 */
export class CheckoutService {
  readonly faults: CheckoutFaults = {};

  constructor(
    private readonly db: DataSource,
    private readonly carts: CartService,
    private readonly orders: OrderService,
    private readonly clients: OrdersClients,
    readonly attempts: CheckoutAttempts,
    private readonly steps: CheckoutStep[],
    private readonly leaseMs: number,
  ) {}

  /** `onPlaced`: told the order and its lines when this call wrote them (not on a replay). */
  async checkout(
    raw: CheckoutInput,
    viewer: Viewer,
    onPlaced?: (placed: PlacedOrder) => void,
  ): Promise<OrderRow> {
    const input = await this.normaliseAddresses(parseCheckoutInput(raw));
    const orderId = uuidFromName(`order:${input.idempotencyKey}`);
    const decision = await this.attempts.begin(
      input.idempotencyKey,
      requestHash(input, viewer),
      orderId,
    );
    if (decision.kind === 'failed') throw decision.failure;
    if (decision.kind === 'placed') {
      return this.db.getRepository(OrderRow).findOneByOrFail({ id: decision.orderId });
    }
    const lease: AttemptLease = decision;
    const heartbeat = setInterval(() => {
      this.attempts.renew(lease).catch(() => {});
    }, this.leaseMs / 3);
    try {
      const placed = await this.attempt(input, viewer, lease);
      onPlaced?.(placed);
      return placed.order;
    } catch (error) {
      if (error instanceof LeaseLostError) {
        log.warn('checkout lease taken over; leaving its effects to the new holder', {
          orderId,
        });
        throw new DomainError(
          OrdersErrorCode.CHECKOUT_INTERRUPTED,
          'Checkout was interrupted; retry with the same idempotencyKey',
        );
      }
      const failure = asDomainError(error);
      await this.attempts.fail(lease, failure, RETRYABLE_CHECKOUT_FAILURES.has(failure.code));
      throw failure;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Both addresses as location normalises them, before the key's request hash is taken. */
  private async normaliseAddresses(input: CheckoutInput): Promise<CheckoutInput> {
    const location = this.clients.location;
    // Asked at once; the shipping address's refusal still comes first.
    const [shipping, billing] = await Promise.allSettled([
      location.normalise(input.shippingAddress, ['input', 'shippingAddress']),
      input.billingAddress
        ? location.normalise(input.billingAddress, ['input', 'billingAddress'])
        : input.billingAddress,
    ]);
    return { ...input, shippingAddress: settled(shipping), billingAddress: settled(billing) };
  }

  private async attempt(
    input: CheckoutInput,
    viewer: Viewer,
    lease: AttemptLease,
  ): Promise<PlacedOrder> {
    // The cart with its lines (one statement) and identity's segments at once: neither
    // waits for the other (the cart's refusal still comes first).
    const [found, segmented] = await Promise.allSettled([
      this.carts.mustFindActiveWithLines(input.cartId),
      viewer.kind === 'customer'
        ? this.clients.identity.segmentsOf(viewer.customerId)
        : Promise.resolve([]),
    ]);
    const { cart, lines } = settled(found);
    const customerSegments = settled(segmented);
    if (lines.length === 0) {
      throw new DomainError(OrdersErrorCode.CART_EMPTY, 'The cart has no lines', ['cartId']);
    }
    const run: CheckoutRun = {
      refs: refsFor(lease.key, lease.generation, lease.orderId),
      input,
      viewer,
      cart,
      lines,
      shipping: input.shippingAddress,
      customerKey: viewer.kind === 'customer' ? viewer.customerId : input.email,
      customerSegments,
    };
    const taken: CheckoutStep[] = [];
    const steps = this.steps.filter((step) => step.applies?.(run) ?? true);
    try {
      // A step a dead attempt finished stays recorded as done (its output is what undoes it).
      const startedIfNew = (step: CheckoutStep | undefined): StepProgress =>
        step && lease.steps[step.name]?.state !== 'done'
          ? { [step.name]: { state: 'started' } }
          : {};
      const first = startedIfNew(steps[0]);
      if (Object.keys(first).length) await this.attempts.recordSteps(lease, first);
      let last: StepProgress = {};
      for (const [index, step] of steps.entries()) {
        taken.push(step);
        const output = await step.run(run);
        const progress: StepProgress = {
          [step.name]: { state: 'done', output },
          ...startedIfNew(steps[index + 1]),
        };
        const fault = FAULT_AFTER[step.name];
        // The last step's done is written with the order (one round trip less): a crash
        // before it leaves the step started, which is undone the same way (by its record).
        if (index === steps.length - 1 && !fault) {
          Object.assign(lease.steps, progress);
          last = progress;
          break;
        }
        // Done, and the next step started, before anything else happens (the faults too).
        await this.attempts.recordSteps(lease, progress);
        if (fault) await this.faults[fault]?.();
      }
      return await this.placeOrder(run, lease, last);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      for (const step of taken.reverse()) {
        await step.compensate(run.refs, lease.steps[step.name]?.output ?? null).catch((undoError) =>
          log.error('checkout undo failed; the reconcilers will finish it', {
            orderId: lease.orderId,
            step: step.name,
            error: String(undoError),
          }),
        );
      }
      throw error;
    }
  }

  private async placeOrder(
    run: CheckoutRun,
    lease: AttemptLease,
    progress: StepProgress,
  ): Promise<PlacedOrder> {
    const { input, cart, lines, refs } = run;
    const price = run.quote!.price;
    const priced = new Map(price.lines.map((l) => [l.variantId, l]));
    return this.db.transaction(async (tx) => {
      // Fenced: only the key's current holder writes the order.
      await this.attempts.succeed(tx, lease, progress);
      const placed = await insertPlacedOrder(tx, {
        order: {
          id: refs.orderId,
          customerId: run.viewer.kind === 'customer' ? run.viewer.customerId : null,
          email: input.email,
          currency: cart.currency,
          subtotalAmount: price.subtotal,
          discountTotalAmount: price.discountTotal + price.shippingDiscountAmount,
          shippingAmount: price.shippingAmount,
          shippingMethod: shippingMethodOf(run.quote!.shipping.chosen),
          taxTotalAmount: price.taxTotal,
          taxInclusive: price.taxInclusive,
          totalAmount: price.total,
          discountCodes: cart.discountCodes,
          discounts: run.quote!.discounts.applied,
          shippingAddress: run.shipping,
          billingAddress: input.billingAddress ?? null,
          cartId: cart.id,
          idempotencyKey: input.idempotencyKey,
          reservationId: run.reservation!.id,
          paymentId: run.payment!.id,
          paymentMethod: input.payment.method ?? 'CARD',
          tenders: tendersOf(run),
        },
        lines: lines.map((line) => {
          const p = priced.get(line.variantId)!;
          return {
            variantId: line.variantId,
            sku: line.sku,
            productName: line.productName,
            variantTitle: line.variantTitle,
            quantity: line.quantity,
            unitPriceAmount: p.unitPrice,
            discountAmount: p.discountAmount,
            taxAmount: p.taxAmount,
            lineTotalAmount: p.lineTotal,
          };
        }),
      });
      if (!placed) {
        throw new DomainError(
          OrdersErrorCode.CART_ALREADY_CHECKED_OUT,
          'This cart has been checked out',
          ['cartId'],
        );
      }
      await this.orders.recordStatus(tx, refs.orderId, 'PENDING', 'Order placed');
      // Cash on delivery ships first and is paid at the door: fulfillment may start now.
      if (placed.order.paymentMethod !== 'CASH_ON_DELIVERY') return placed;
      await this.orders.advanceWithin(
        tx,
        placed.order,
        'CONFIRMED',
        'Cash on delivery: paid on delivery',
      );
      const order = await tx.getRepository(OrderRow).findOneByOrFail({ id: refs.orderId });
      return { order, lines: placed.lines };
    });
  }
}

/** Loyalty's tenders first, then the payment method for the rest; empty when it pays all. */
function tendersOf(run: CheckoutRun): OrderTender[] {
  const held = run.loyalty;
  if (!held) return [];
  const tenders: OrderTender[] = [];
  if (held.pointsAmount > 0) {
    tenders.push({ kind: 'POINTS', amount: held.pointsAmount, points: held.points });
  }
  if (held.giftCardAmount > 0) {
    tenders.push({
      kind: 'GIFT_CARD',
      amount: held.giftCardAmount,
      ...(held.giftCardLast4 ? { last4: held.giftCardLast4 } : {}),
    });
  }
  tenders.push({ kind: run.input.payment.method ?? 'CARD', amount: cardAmount(run) });
  return tenders;
}

function shippingMethodOf({ method }: ShippingOption): ShippingMethodValue {
  return { methodId: method.id, name: method.name, kind: method.kind, carrier: method.carrier };
}

/** The request a key stands for: what is bought, by whom, shipped where, paid how. */
function requestHash(input: CheckoutInput, viewer: Viewer): string {
  const { idempotencyKey: _key, ...request } = input;
  return createHash('sha256')
    .update(JSON.stringify([request, viewer]))
    .digest('hex');
}

function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  log.error('checkout failed unexpectedly', {
    error: error instanceof Error ? error.stack : String(error),
  });
  return new DomainError(
    OrdersErrorCode.CHECKOUT_INTERRUPTED,
    'Checkout was interrupted; retry with the same idempotencyKey',
    null,
  );
}
