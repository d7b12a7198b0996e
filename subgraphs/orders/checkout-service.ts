import type { DataSource } from 'typeorm';
import { DomainError } from '../kit/errors';
import { uuidFromName } from '../kit/ids';
import type { Viewer } from '../kit/identity';
import type { OrdersClients, PaymentRef, ReservationRef } from './clients';
import type { CartService } from './cart-service';
import { type AddressValue, CartLineRow, CartRow, OrderLineRow, OrderRow } from './entities';
import type { OrderService } from './order-service';

export interface CheckoutInput {
  cartId: string;
  idempotencyKey: string;
  email: string;
  shippingAddress: AddressValue;
  payment: { token: string };
}

/** How long stock is held for a checkout that has not finished; committed on success. */
const RESERVATION_TTL_SECONDS = 900;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COUNTRY = /^[A-Z]{2}$/;

/**
 * Orchestrates checkout across domains: quote the cart, reserve stock, authorize the
 * payment, commit the reservation, write the order. Every remote step is keyed by the
 * checkout's idempotency key, so a retry resumes instead of repeating; a failure undoes
 * the steps already taken, in reverse.
 */
export class CheckoutService {
  constructor(
    private readonly db: DataSource,
    private readonly carts: CartService,
    private readonly orders: OrderService,
    private readonly clients: OrdersClients,
  ) {}

  async checkout(input: CheckoutInput, viewer: Viewer): Promise<OrderRow> {
    validate(input);
    try {
      const previous = await this.placedWith(input.idempotencyKey);
      if (previous) return this.replay(previous, input);
      return await this.attempt(input, viewer);
    } catch (error) {
      // A concurrent call with the same key may have placed the order meanwhile.
      const placed = await this.placedWith(input.idempotencyKey);
      if (placed) return this.replay(placed, input);
      throw error;
    }
  }

  private placedWith(idempotencyKey: string): Promise<OrderRow | null> {
    return this.db.getRepository(OrderRow).findOneBy({ idempotencyKey });
  }

  private async attempt(input: CheckoutInput, viewer: Viewer): Promise<OrderRow> {

    const cart = await this.carts.mustFindActive(input.cartId);
    const lines = await this.db.getRepository(CartLineRow).find({ where: { cartId: cart.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (lines.length === 0) throw new DomainError('CART_EMPTY', 'The cart has no lines', ['cartId']);
    await this.assertPricesCurrent(lines, cart.currency);

    const orderId = uuidFromName(`order:${input.idempotencyKey}`);
    const subtotal = lines.reduce((sum, line) => sum + line.unitPriceAmount * line.quantity, 0);
    const total = subtotal;

    const undo: (() => Promise<unknown>)[] = [];
    try {
      const reservation = await this.clients.inventory.reserve(
        `order:${orderId}`,
        lines.map((line) => ({ sku: line.sku, quantity: line.quantity })),
        RESERVATION_TTL_SECONDS,
      );
      undo.push(() => this.clients.inventory.release(reservation.id));

      const payment = await this.authorize(orderId, total, cart.currency, input);
      undo.push(() => this.clients.payments.void(payment.id, `order:${orderId}:checkout-void`));

      await this.clients.inventory.commit(reservation.id);
      return await this.placeOrder({ orderId, input, cart, lines, subtotal, total, reservation, payment, viewer });
    } catch (error) {
      // The steps were keyed by the idempotency key: if a concurrent call with the same
      // key placed the order, they are that order's steps and must not be undone.
      if (await this.placedWith(input.idempotencyKey)) throw error;
      for (const step of undo.reverse()) {
        await step().catch((undoError) => console.error('[checkout] undo failed', orderId, undoError));
      }
      throw error;
    }
  }

  private async authorize(orderId: string, amount: number, currency: string, input: CheckoutInput): Promise<PaymentRef> {
    const result = await this.clients.payments.authorize({
      orderId,
      amount,
      currency,
      token: input.payment.token,
      idempotencyKey: `checkout:${input.idempotencyKey}`,
    });
    const [failure] = result.userErrors;
    if (failure || !result.payment) {
      throw new DomainError(failure?.code ?? 'PAYMENT_FAILED', failure?.message ?? 'The payment failed', ['payment']);
    }
    return result.payment;
  }

  /** The cart keeps prices from when lines were added; checkout charges only current ones. */
  private async assertPricesCurrent(lines: CartLineRow[], currency: string): Promise<void> {
    const variants = await this.clients.catalog.variants(lines.map((l) => l.variantId));
    for (const [index, line] of lines.entries()) {
      const variant = variants.get(line.variantId);
      const field = ['lines', String(index)];
      if (!variant || variant.archived || variant.product.status !== 'ACTIVE') {
        throw new DomainError('VARIANT_UNAVAILABLE', `${line.sku} is no longer for sale`, field);
      }
      if (variant.price.amount !== line.unitPriceAmount || variant.price.currency !== currency) {
        await this.db.getRepository(CartLineRow).update({ id: line.id }, { unitPriceAmount: variant.price.amount });
        throw new DomainError('PRICE_CHANGED', `The price of ${line.sku} changed; the cart now shows the new price`, field);
      }
    }
  }

  private async placeOrder(args: {
    orderId: string;
    input: CheckoutInput;
    cart: CartRow;
    lines: CartLineRow[];
    subtotal: number;
    total: number;
    reservation: ReservationRef;
    payment: PaymentRef;
    viewer: Viewer;
  }): Promise<OrderRow> {
    const { orderId, input, cart, lines } = args;
    return this.db.transaction(async (tx) => {
      const closed = await tx.getRepository(CartRow).update({ id: cart.id, status: 'ACTIVE' }, { status: 'CHECKED_OUT', updatedAt: new Date() });
      if (closed.affected !== 1) {
        throw new DomainError('CART_ALREADY_CHECKED_OUT', 'This cart has been checked out', ['cartId']);
      }
      await tx.getRepository(OrderRow).insert({
        id: orderId,
        customerId: args.viewer.kind === 'customer' ? args.viewer.customerId : null,
        email: input.email.trim().toLowerCase(),
        status: 'PENDING',
        currency: cart.currency,
        subtotalAmount: args.subtotal,
        totalAmount: args.total,
        shippingAddress: normalizeAddress(input.shippingAddress),
        cartId: cart.id,
        idempotencyKey: input.idempotencyKey,
        reservationId: args.reservation.id,
        paymentId: args.payment.id,
      });
      await tx.getRepository(OrderLineRow).insert(
        lines.map((line, position) => ({
          orderId,
          position,
          variantId: line.variantId,
          sku: line.sku,
          productName: line.productName,
          variantTitle: line.variantTitle,
          quantity: line.quantity,
          unitPriceAmount: line.unitPriceAmount,
          lineTotalAmount: line.unitPriceAmount * line.quantity,
        })),
      );
      await this.orders.recordStatus(tx, orderId, 'PENDING', 'Order placed');
      return tx.getRepository(OrderRow).findOneByOrFail({ id: orderId });
    });
  }

  private replay(order: OrderRow, input: CheckoutInput): OrderRow {
    if (order.cartId !== input.cartId) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another checkout', ['idempotencyKey']);
    }
    return order;
  }
}

function validate(input: CheckoutInput): void {
  const key = input.idempotencyKey;
  if (key.length < 8 || key.length > 200) {
    throw new DomainError('INVALID_IDEMPOTENCY_KEY', 'idempotencyKey must be 8 to 200 characters', ['idempotencyKey']);
  }
  if (!EMAIL.test(input.email.trim()) || input.email.length > 254) {
    throw new DomainError('INVALID_EMAIL', 'email is not a valid address', ['email']);
  }
  const address = input.shippingAddress;
  for (const field of ['name', 'line1', 'city', 'postalCode'] as const) {
    if (!address[field]?.trim()) throw new DomainError('REQUIRED', `${field} cannot be empty`, ['shippingAddress', field]);
  }
  if (!COUNTRY.test(address.country.trim().toUpperCase())) {
    throw new DomainError('INVALID_COUNTRY', 'country must be an ISO 3166-1 alpha-2 code', ['shippingAddress', 'country']);
  }
  if (!input.payment.token.trim()) throw new DomainError('REQUIRED', 'payment token cannot be empty', ['payment', 'token']);
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
