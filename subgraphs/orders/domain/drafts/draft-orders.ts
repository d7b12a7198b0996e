import { randomBytes } from 'node:crypto';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { DomainError } from '../../../../platform/errors';
import type { Viewer } from '../../../../platform/identity';
import { money } from '../../../../platform/money';
import type { OrdersClients } from '../../clients/index';
import {
  type AddressValue,
  CartLineRow,
  CartRow,
  DraftOrderRow,
  type DraftOrderStatus,
  OrderRow,
} from '../../entities';
import { OrdersErrorCode } from '../../errors';
import { type CartQuote, type CartQuoter, homeCountry } from '../cart-quote';
import type { CheckoutService } from '../checkout/checkout';
import type { OrderService } from '../orders';
import type { ShippingFields } from '../shipping-choice';
import { parseCustomerId, parseDraftLines, parseEmail } from './draft-input';
import {
  assertStatus,
  buyerOf,
  DRAFT_FIELDS,
  type DraftCreateInput,
  DraftErrorCode,
  type DraftPayInput,
  type DraftUpdateInput,
  hashOf,
  MAX_LIST,
  notFound,
  parseMethodId,
  pick,
} from './draft-rules';

export { DraftErrorCode } from './draft-rules';
export type { DraftCreateInput, DraftPayInput, DraftUpdateInput } from './draft-rules';

/**
 * Draft orders: staff build an order for a customer, then send it (the customer pays with
 * the pay token) or mark it paid (a bank transfer came). Either way the order is placed by
 * checkout itself, on a cart made from the draft when it is frozen, whose lines carry the
 * price overrides: stock, payment, idempotency and recovery are checkout's, not redone here.
 */
export class DraftOrderService {
  constructor(
    private readonly db: DataSource,
    private readonly clients: OrdersClients,
    private readonly quoter: CartQuoter,
    private readonly checkout: CheckoutService,
    private readonly orders: OrderService,
    private readonly payUrl: string,
  ) {}

  async create(input: DraftCreateInput, createdBy: string | null): Promise<DraftOrderRow> {
    const base = ['input'];
    const currency = money(0, input.currency ?? 'EUR').currency;
    homeCountry(currency);
    const draft = this.db.getRepository(DraftOrderRow).create({
      status: 'OPEN',
      email: parseEmail(input.email, base),
      customerId: await this.customer(input.customerId, base),
      currency,
      lines: await parseDraftLines(input.lines, this.clients, [...base, 'lines']),
      shippingAddress: input.shippingAddress
        ? await this.clients.location.normalise(input.shippingAddress, [...base, 'shippingAddress'])
        : null,
      shippingMethodId: parseMethodId(input.shippingMethodId, base),
      createdBy,
    });
    await this.assertPriced(draft);
    return this.db.getRepository(DraftOrderRow).save(draft);
  }

  /** Only an OPEN draft changes: a sent one is what the customer was shown. */
  async update(id: string, input: DraftUpdateInput): Promise<DraftOrderRow> {
    const base = ['input'];
    const draft = await this.mustFind(id);
    assertStatus(draft, ['OPEN']);
    if (input.email != null) draft.email = parseEmail(input.email, base);
    if (input.customerId !== undefined)
      draft.customerId = await this.customer(input.customerId, base);
    if (input.lines != null)
      draft.lines = await parseDraftLines(input.lines, this.clients, [...base, 'lines']);
    if (input.shippingAddress != null)
      draft.shippingAddress = await this.clients.location.normalise(input.shippingAddress, [
        ...base,
        'shippingAddress',
      ]);
    if (input.shippingMethodId !== undefined)
      draft.shippingMethodId = parseMethodId(input.shippingMethodId, base);
    await this.assertPriced(draft);
    return this.db.transaction(async (tx) => {
      // Checked again under the lock: a draft sent meanwhile stays as it was sent.
      assertStatus(await this.lock(tx, id), ['OPEN']);
      await tx
        .getRepository(DraftOrderRow)
        .update({ id }, { ...pick(draft), updatedAt: new Date() });
      return tx.getRepository(DraftOrderRow).findOneByOrFail({ id });
    });
  }

  /**
   * Freezes the draft (OPEN → SENT, its cart made) and issues a pay token. Only the token's
   * hash is kept: sending again issues a new token and the previous one stops working.
   */
  async send(id: string): Promise<{ draft: DraftOrderRow; payToken: string; payUrl: string }> {
    const payToken = randomBytes(24).toString('base64url');
    const draft = await this.db.transaction(async (tx) => {
      const locked = await this.lock(tx, id);
      assertStatus(locked, ['OPEN', 'SENT']);
      await this.freeze(tx, locked);
      await tx
        .getRepository(DraftOrderRow)
        .update({ id }, { status: 'SENT', payToken: hashOf(payToken), updatedAt: new Date() });
      return tx.getRepository(DraftOrderRow).findOneByOrFail({ id });
    });
    const payUrl = new URL(this.payUrl);
    payUrl.searchParams.set('token', payToken);
    return { draft, payToken, payUrl: payUrl.toString() };
  }

  /**
   * The customer paid by bank transfer: checkout places the order (stock reserved, payment
   * BANK_TRANSFER, keyed by the draft so a retry is the same order), then the money is
   * recorded (capture): CONFIRMED.
   */
  async markPaid(id: string): Promise<{ draft: DraftOrderRow; order: OrderRow }> {
    const idempotencyKey = `draft-paid:${id}`;
    let draft = await this.mustFind(id);
    if (draft.status === 'OPEN' || draft.status === 'SENT')
      draft = await this.db.transaction(async (tx) => {
        const locked = await this.lock(tx, id);
        assertStatus(locked, ['OPEN', 'SENT', 'COMPLETED']);
        if (locked.status !== 'COMPLETED') await this.freeze(tx, locked);
        return tx.getRepository(DraftOrderRow).findOneByOrFail({ id });
      });
    const placed = await this.place(
      draft,
      idempotencyKey,
      { method: 'BANK_TRANSFER' },
      null,
      buyerOf(draft),
    );
    const order = await this.orders.capture(placed.order.id, null);
    return { draft: placed.draft, order };
  }

  /** OPEN or SENT → CANCELLED; closing its cart stops a payment racing the cancellation. */
  async cancel(id: string): Promise<DraftOrderRow> {
    return this.db.transaction(async (tx) => {
      const draft = await this.lock(tx, id);
      if (draft.status === 'CANCELLED') return draft;
      assertStatus(draft, ['OPEN', 'SENT']);
      if (draft.cartId) {
        const closed = await tx
          .getRepository(CartRow)
          .update(
            { id: draft.cartId, status: 'ACTIVE' },
            { status: 'CHECKED_OUT', updatedAt: new Date() },
          );
        if (closed.affected !== 1)
          throw new DomainError(DraftErrorCode.DRAFT_ALREADY_PAID, 'The draft is being paid', [
            'id',
          ]);
      }
      // The token is kept, so that paying it says CANCELLED rather than NOT_FOUND.
      await tx
        .getRepository(DraftOrderRow)
        .update({ id }, { status: 'CANCELLED', updatedAt: new Date() });
      return tx.getRepository(DraftOrderRow).findOneByOrFail({ id });
    });
  }

  /**
   * The customer pays with the pay token. The order is the draft's customer's (a guest's
   * without one), whoever holds the token; so a saved card is only the signed-in
   * customer's own, for their own draft.
   */
  async pay(
    input: DraftPayInput,
    viewer: Viewer,
  ): Promise<{ draft: DraftOrderRow; order: OrderRow }> {
    const draft = await this.byToken(input.payToken);
    if (!draft)
      throw new DomainError(OrdersErrorCode.NOT_FOUND, 'No draft order has this pay token', [
        'input',
        'payToken',
      ]);
    if (
      input.payment.savedMethodId &&
      !(viewer.kind === 'customer' && viewer.customerId === draft.customerId)
    )
      throw new DomainError(
        OrdersErrorCode.INVALID_INPUT,
        "A saved card pays only its owner's own draft",
        ['input', 'payment', 'savedMethodId'],
      );
    return this.place(
      draft,
      input.idempotencyKey,
      input.payment,
      input.billingAddress ?? null,
      buyerOf(draft),
      input.expectedTotal ?? null,
    );
  }

  /** A sent draft (or the one it became) by its pay token; null for a token nobody was given. */
  async byToken(payToken: string): Promise<DraftOrderRow | null> {
    if (!payToken || payToken.length > 200) return null;
    return this.db.getRepository(DraftOrderRow).findOneBy({ payToken: hashOf(payToken) });
  }

  draftsByIds(ids: readonly string[]): Promise<DraftOrderRow[]> {
    return this.db.getRepository(DraftOrderRow).findBy({ id: In([...ids]) });
  }

  list(first: number, status: DraftOrderStatus | null): Promise<DraftOrderRow[]> {
    if (!Number.isInteger(first) || first < 0 || first > MAX_LIST)
      throw new DomainError(OrdersErrorCode.INVALID_INPUT, `first is 0 to ${MAX_LIST}`, ['first']);
    return this.db.getRepository(DraftOrderRow).find({
      where: status ? { status } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      take: first,
    });
  }

  /** What paying costs, quoted as checkout will charge it, for the address (or home market). */
  quote(draft: DraftOrderRow, shippingFields?: ShippingFields): Promise<CartQuote> {
    return this.quoter.quote({
      currency: draft.currency,
      lines: draft.lines.map((l) => ({
        variantId: l.variantId,
        quantity: l.quantity,
        unitPrice: l.priceOverride?.amount ?? null,
      })),
      country: draft.shippingAddress?.country ?? homeCountry(draft.currency),
      region: draft.shippingAddress?.region ?? null,
      couponCodes: [],
      customerKey: draft.customerId ?? draft.email,
      shippingMethodId: draft.shippingMethodId,
      shippingFields,
    });
  }

  /**
   * Checkout on the draft's cart. A paid draft answers with its order for the key that
   * paid it; another key is told it is paid. The draft is COMPLETED after the order is
   * placed: a crash between the two is mended by the retry (checkout returns the order).
   */
  private async place(
    draft: DraftOrderRow,
    idempotencyKey: string,
    payment: DraftPayInput['payment'],
    billingAddress: AddressValue | null,
    buyer: Viewer,
    expectedTotal: DraftPayInput['expectedTotal'] = null,
  ): Promise<{ draft: DraftOrderRow; order: OrderRow }> {
    if (draft.status === 'CANCELLED')
      throw new DomainError(DraftErrorCode.DRAFT_CANCELLED, 'This draft order was cancelled');
    if (draft.status === 'COMPLETED') {
      const order = await this.db.getRepository(OrderRow).findOneByOrFail({ id: draft.orderId! });
      if (order.idempotencyKey !== idempotencyKey)
        throw new DomainError(DraftErrorCode.DRAFT_ALREADY_PAID, 'This draft order is paid', [
          'input',
          'idempotencyKey',
        ]);
      return { draft, order };
    }
    let order: OrderRow;
    try {
      order = await this.checkout.checkout(
        {
          cartId: draft.cartId!,
          idempotencyKey,
          email: draft.email,
          shippingAddress: draft.shippingAddress!,
          billingAddress,
          payment,
          expectedTotal,
          shippingMethodId: draft.shippingMethodId,
        },
        buyer,
      );
    } catch (error) {
      // The cart closed under this checkout (whose effects checkout undid): the draft was
      // paid another way, perhaps not yet marked so, or cancelled. Answer as such.
      if (error instanceof DomainError && error.code === OrdersErrorCode.CART_ALREADY_CHECKED_OUT) {
        const other = await this.db.getRepository(OrderRow).findOneBy({ cartId: draft.cartId! });
        if (other) await this.complete(draft.id, other.id);
        const now = await this.mustFind(draft.id);
        if (now.status === 'COMPLETED' || now.status === 'CANCELLED')
          return this.place(now, idempotencyKey, payment, billingAddress, buyer);
      }
      throw error;
    }
    await this.complete(draft.id, order.id);
    return { draft: await this.mustFind(draft.id), order };
  }

  /** The draft points to the order its cart became (once: a cart makes one order). */
  private async complete(id: string, orderId: string): Promise<void> {
    await this.db
      .getRepository(DraftOrderRow)
      .update(
        { id, status: In(['OPEN', 'SENT']) },
        { status: 'COMPLETED', orderId, updatedAt: new Date() },
      );
  }

  /**
   * The cart checkout will place the order from, made once: the draft's lines with their
   * overrides. Its owner is the draft, not a customer, so no cart mutation can reach it.
   */
  private async freeze(tx: EntityManager, draft: DraftOrderRow): Promise<void> {
    if (draft.lines.length === 0)
      throw new DomainError(DraftErrorCode.DRAFT_INCOMPLETE, 'A draft order needs lines', ['id']);
    if (!draft.shippingAddress)
      throw new DomainError(
        DraftErrorCode.DRAFT_INCOMPLETE,
        'A draft order needs a shipping address',
        ['id'],
      );
    if (draft.cartId) return;
    await this.assertPriced(draft);
    const cart = await tx
      .getRepository(CartRow)
      .save(
        tx
          .getRepository(CartRow)
          .create({ currency: draft.currency, customerId: `draft:${draft.id}` }),
      );
    await tx.getRepository(CartLineRow).insert(
      draft.lines.map((line) => ({
        cartId: cart.id,
        variantId: line.variantId,
        sku: line.sku,
        productName: line.productName,
        variantTitle: line.variantTitle,
        quantity: line.quantity,
        unitPriceOverride: line.priceOverride?.amount ?? null,
      })),
    );
    await tx.getRepository(DraftOrderRow).update({ id: draft.id }, { cartId: cart.id });
  }

  /** A customer identity knows, or none (a guest's draft). */
  private async customer(value: string | null | undefined, base: string[]): Promise<string | null> {
    const customerId = parseCustomerId(value, base);
    if (customerId && !(await this.clients.identity.exists(customerId)))
      throw new DomainError(OrdersErrorCode.NOT_FOUND, `Customer ${customerId} was not found`, [
        ...base,
        'customerId',
      ]);
    return customerId;
  }

  /** Every line without an override must have a list price (pricing's refusal, under the input). */
  private async assertPriced(draft: DraftOrderRow): Promise<void> {
    if (draft.lines.length === 0) return;
    try {
      await this.quote(draft, DRAFT_FIELDS);
    } catch (error) {
      if (error instanceof DomainError && error.field?.[0] === 'lines')
        throw new DomainError(error.code, error.message, ['input', ...error.field]);
      throw error;
    }
  }

  private async lock(tx: EntityManager, id: string): Promise<DraftOrderRow> {
    const draft = await tx
      .getRepository(DraftOrderRow)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!draft) throw notFound(id);
    return draft;
  }

  private async mustFind(id: string): Promise<DraftOrderRow> {
    const draft = await this.db.getRepository(DraftOrderRow).findOneBy({ id });
    if (!draft) throw notFound(id);
    return draft;
  }
}
