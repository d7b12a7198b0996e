import { type DataSource, In, type EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { rowOf } from '../../../platform/sql-rows';
import { isUuid } from '../../../platform/ids';
import { money } from '../../../platform/money';
import { parseInput, text } from '../../../platform/validation';
import { homeCountry, settled } from './cart-quote';
import { insertCart, type NewCartLine } from './cart-write';
import { RequestAnswers } from './request-answers';
import type { OrdersClients, PriceQuote, VariantInfo } from '../clients/index';
import { pricedLinesOf } from './priced-lines';
import { CartLineRow, CartRow } from '../entities';

export const MAX_LINE_QUANTITY = 999;
export const MAX_CART_LINES = 100;
export const MAX_DISCOUNT_CODES = 5;

export interface LineInput {
  variantId: string;
  quantity: number;
}

export class CartService {
  constructor(
    private readonly db: DataSource,
    private readonly clients: OrdersClients,
  ) {}

  /** `asked`: the request's answers, so the new cart's cost in the same response asks nothing twice. */
  async create(
    input: { currency?: string | null; lines?: LineInput[] | null },
    customerId: string | null,
    asked?: RequestAnswers,
  ): Promise<{ cart: CartRow; lines: CartLineRow[] }> {
    const currency = money(0, input.currency ?? 'EUR').currency;
    homeCountry(currency);
    const lines = input.lines ?? [];
    const { variants, priced } = await this.quote(lines, currency, customerId, asked);
    // Checkout starts from these unit prices if its own quote proves them still current.
    const pricedLines = priced ? pricedLinesOf(currency, lines.map(lowerCased), priced) : null;
    return insertCart(
      this.db.manager,
      { currency, customerId, pricedLines },
      newLines(lines, variants),
    );
  }

  async addLines(cartId: string, lines: LineInput[], asked?: RequestAnswers): Promise<CartRow> {
    const cart = await this.mustFindActive(cartId);
    const { variants } = await this.quote(lines, cart.currency, cart.customerId, asked);
    return this.db.transaction(async (tx) => {
      await this.lockCart(tx, cart.id);
      await this.insertLines(tx, cart, lines, variants);
      return this.touch(tx, cart);
    });
  }

  async updateLines(cartId: string, lines: { id: string; quantity: number }[]): Promise<CartRow> {
    const cart = await this.mustFindActive(cartId);
    lines.forEach((line, index) => checkQuantity(line.quantity, index, true));
    return this.db.transaction(async (tx) => {
      await this.lockCart(tx, cart.id);
      const repository = tx.getRepository(CartLineRow);
      const existing = await this.findLines(
        tx,
        cart.id,
        lines.map((l) => l.id),
      );
      for (const [index, line] of lines.entries()) {
        const row = existing.get(line.id);
        if (!row)
          throw new DomainError('NOT_FOUND', `Cart line ${line.id} is not in this cart`, [
            'lines',
            String(index),
            'id',
          ]);
        if (line.quantity === 0) await repository.delete({ id: row.id });
        else await repository.update({ id: row.id }, { quantity: line.quantity });
      }
      return this.touch(tx, cart);
    });
  }

  async removeLines(cartId: string, lineIds: string[]): Promise<CartRow> {
    const cart = await this.mustFindActive(cartId);
    return this.db.transaction(async (tx) => {
      await this.lockCart(tx, cart.id);
      const existing = await this.findLines(tx, cart.id, lineIds);
      for (const [index, id] of lineIds.entries()) {
        if (!existing.has(id))
          throw new DomainError('NOT_FOUND', `Cart line ${id} is not in this cart`, [
            'lineIds',
            String(index),
          ]);
      }
      await tx.getRepository(CartLineRow).delete({ id: In(lineIds) });
      return this.touch(tx, cart);
    });
  }

  /** Codes are kept as given (upper-cased); whether they apply shows in the cart's cost. */
  async setDiscountCodes(cartId: string, codes: string[]): Promise<CartRow> {
    const cart = await this.mustFindActive(cartId);
    codes.forEach((code, index) =>
      parseInput(text(64, { min: 0 }), code, ['discountCodes', String(index)], 'INVALID_CODE'),
    );
    const normalized = [...new Set(codes.map((c) => c.trim().toUpperCase()).filter(Boolean))];
    if (normalized.length > MAX_DISCOUNT_CODES) {
      throw new DomainError('TOO_MANY_CODES', `At most ${MAX_DISCOUNT_CODES} discount codes`, [
        'discountCodes',
      ]);
    }
    if (normalized.some((c) => c.length > 64))
      throw new DomainError('INVALID_CODE', 'A discount code is at most 64 characters', [
        'discountCodes',
      ]);
    cart.discountCodes = normalized;
    cart.updatedAt = new Date();
    await this.db
      .getRepository(CartRow)
      .update({ id: cart.id }, { discountCodes: normalized, updatedAt: cart.updatedAt });
    return cart;
  }

  cartsByIds(ids: readonly string[]): Promise<CartRow[]> {
    return this.db.getRepository(CartRow).findBy({ id: In([...ids]) });
  }

  linesOfCarts(cartIds: readonly string[]): Promise<CartLineRow[]> {
    return this.db.getRepository(CartLineRow).find({
      where: { cartId: In([...cartIds]) },
      order: { seq: 'ASC' },
    });
  }

  /**
   * Looks every variant up in catalog once and asks pricing for a price in the cart's
   * currency, so a cart never holds what cannot be sold or charged, nor what catalog's
   * visibility rules keep from this customer in the cart's country (AGE_RESTRICTED,
   * COUNTRY_DENIED).
   */
  private async quote(
    lines: LineInput[],
    currency: string,
    customerId: string | null,
    asked = new RequestAnswers(this.clients),
  ): Promise<{ variants: Map<string, VariantInfo>; priced: PriceQuote | null }> {
    if (lines.length > MAX_CART_LINES) {
      throw new DomainError('TOO_MANY_LINES', `A cart holds at most ${MAX_CART_LINES} lines`, [
        'lines',
      ]);
    }
    lines.forEach((line, index) => {
      if (!isUuid(line.variantId)) {
        throw new DomainError('INVALID_ID', 'variantId is not a valid id', [
          'lines',
          String(index),
          'variantId',
        ]);
      }
      checkQuantity(line.quantity, index, false);
    });
    if (lines.length === 0) return { variants: new Map(), priced: null };
    // Asked at once (pricing's answer, or refusal, counts only after catalog's checks).
    const [looked, priced] = await Promise.allSettled([
      asked.variants([...new Set(lines.map((l) => l.variantId.toLowerCase()))], {
        customerId,
        country: homeCountry(currency),
      }),
      // The cart's cost's first look, word for word: the same request asks it only once.
      asked.priceQuote({
        currency,
        shippingCountry: homeCountry(currency),
        shippingRegion: null,
        lines: lines.map((l) => ({ variantId: l.variantId.toLowerCase(), quantity: l.quantity })),
      }),
    ]);
    const variants = settled(looked);
    lines.forEach((line, index) => {
      const variant = variants.get(line.variantId.toLowerCase());
      const field = ['lines', String(index), 'variantId'];
      if (!variant)
        throw new DomainError('NOT_FOUND', `Variant ${line.variantId} was not found`, field);
      if (variant.archived || variant.product.status !== 'ACTIVE') {
        throw new DomainError('VARIANT_UNAVAILABLE', `${variant.sku} is not for sale`, field);
      }
      if (variant.saleRestriction) {
        const reason =
          variant.saleRestriction === 'AGE_RESTRICTED'
            ? 'needs a verified age of at least its minimum'
            : 'is not sold to this country';
        throw new DomainError(variant.saleRestriction, `${variant.sku} ${reason}`, field);
      }
    });
    return { variants, priced: settled(priced) };
  }

  /** Adding a variant that is already in the cart adds to its quantity. */
  private async insertLines(
    tx: EntityManager,
    cart: CartRow,
    lines: LineInput[],
    quotes: Map<string, VariantInfo>,
  ): Promise<void> {
    const repository = tx.getRepository(CartLineRow);
    const written = new Map<string, CartLineRow>();
    for (const [index, line] of lines.entries()) {
      const variant = quotes.get(line.variantId.toLowerCase())!;
      const existing =
        written.get(variant.id) ??
        (await repository.findOneBy({ cartId: cart.id, variantId: variant.id }));
      const quantity = (existing?.quantity ?? 0) + line.quantity;
      if (quantity > MAX_LINE_QUANTITY) {
        throw new DomainError('INVALID_QUANTITY', `At most ${MAX_LINE_QUANTITY} of one variant`, [
          'lines',
          String(index),
          'quantity',
        ]);
      }
      const saved = await repository.save({
        ...(existing ?? { cartId: cart.id, variantId: variant.id }),
        sku: variant.sku,
        productName: variant.product.name,
        variantTitle: variant.title,
        quantity,
      });
      written.set(variant.id, saved);
    }
    const count = await repository.countBy({ cartId: cart.id });
    if (count > MAX_CART_LINES) {
      throw new DomainError('TOO_MANY_LINES', `A cart holds at most ${MAX_CART_LINES} lines`, [
        'lines',
      ]);
    }
  }

  private async findLines(
    tx: EntityManager,
    cartId: string,
    ids: string[],
  ): Promise<Map<string, CartLineRow>> {
    ids.forEach((id, index) => {
      if (!isUuid(id))
        throw new DomainError('INVALID_ID', 'Line id is not a valid id', ['lines', String(index)]);
    });
    const rows = await tx.getRepository(CartLineRow).findBy({ cartId, id: In(ids) });
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Serializes changes to one cart, so two tabs adding the same variant both count. */
  private async lockCart(tx: EntityManager, cartId: string): Promise<void> {
    const locked = await tx.query(`SELECT status FROM orders.cart WHERE id = $1 FOR UPDATE`, [
      cartId,
    ]);
    if (locked[0]?.status !== 'ACTIVE') {
      throw new DomainError('CART_ALREADY_CHECKED_OUT', 'This cart has been checked out', [
        'cartId',
      ]);
    }
  }

  /** The lines changed: what pricing said of the old ones no longer describes them. */
  private async touch(tx: EntityManager, cart: CartRow): Promise<CartRow> {
    cart.updatedAt = new Date();
    cart.pricedLines = null;
    await tx
      .getRepository(CartRow)
      .update({ id: cart.id }, { updatedAt: cart.updatedAt, pricedLines: null });
    return cart;
  }

  /**
   * The active cart and its lines (in order) in one statement, read as TypeORM would read
   * them: checkout's first look. Refused as mustFindActive refuses.
   */
  async mustFindActiveWithLines(cartId: string): Promise<{ cart: CartRow; lines: CartLineRow[] }> {
    const [row]: { cart: Record<string, unknown>; lines: Record<string, unknown>[] }[] =
      await this.db.query(
        `SELECT to_jsonb(c) AS cart,
                (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.seq), '[]')
                   FROM orders.cart_line l WHERE l.cart_id = c.id) AS lines
           FROM orders.cart c WHERE c.id = $1`,
        [cartId],
      );
    const cart = activeOrRefused(cartId, row ? rowOf(this.db.manager, CartRow, row.cart) : null);
    return { cart, lines: row!.lines.map((line) => rowOf(this.db.manager, CartLineRow, line)) };
  }

  async mustFindActive(cartId: string): Promise<CartRow> {
    return activeOrRefused(cartId, await this.db.getRepository(CartRow).findOneBy({ id: cartId }));
  }
}

/** The cart found for `cartId`, refused when there is none or it is no longer active. */
function activeOrRefused(cartId: string, cart: CartRow | null): CartRow {
  if (!cart) throw new DomainError('NOT_FOUND', `Cart ${cartId} was not found`, ['cartId']);
  if (cart.status !== 'ACTIVE')
    throw new DomainError('CART_ALREADY_CHECKED_OUT', 'This cart has been checked out', ['cartId']);
  return cart;
}

/**
 * A new cart's lines: a variant given twice is one line of the summed quantity (at most
 * MAX_LINE_QUANTITY), in the order each variant first came.
 */
function newLines(lines: LineInput[], variants: Map<string, VariantInfo>): NewCartLine[] {
  const merged = new Map<string, NewCartLine>();
  for (const [index, line] of lines.entries()) {
    const variant = variants.get(line.variantId.toLowerCase())!;
    const quantity = (merged.get(variant.id)?.quantity ?? 0) + line.quantity;
    if (quantity > MAX_LINE_QUANTITY) {
      throw new DomainError('INVALID_QUANTITY', `At most ${MAX_LINE_QUANTITY} of one variant`, [
        'lines',
        String(index),
        'quantity',
      ]);
    }
    merged.set(variant.id, {
      variantId: variant.id,
      sku: variant.sku,
      productName: variant.product.name,
      variantTitle: variant.title,
      quantity,
    });
  }
  return [...merged.values()];
}

function lowerCased(line: LineInput): LineInput {
  return { variantId: line.variantId.toLowerCase(), quantity: line.quantity };
}

function checkQuantity(quantity: number, index: number, zeroAllowed: boolean): void {
  const min = zeroAllowed ? 0 : 1;
  if (!Number.isInteger(quantity) || quantity < min || quantity > MAX_LINE_QUANTITY) {
    throw new DomainError(
      'INVALID_QUANTITY',
      `Quantity must be between ${min} and ${MAX_LINE_QUANTITY}`,
      ['lines', String(index), 'quantity'],
    );
  }
}
