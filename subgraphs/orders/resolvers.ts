import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import type { SubgraphContext } from '../kit/context';
import { GraphQLError } from 'graphql';
import { badInput, DomainError, forbidden, unauthenticated, withUserErrors } from '../kit/errors';
import { type Connection, type PageArgs, parsePageArgs } from '../kit/pagination';
import { subscriptionField } from '../kit/live';
import type { OrderUpdatedEvent } from '../kit/topics';
import { isUuid, parseId } from '../kit/ids';
import type { LineInput } from './cart-service';
import type { CheckoutInput } from './checkout-service';
import { randomUUID } from 'node:crypto';
import type { AppliedDiscountValue, CartLineRow, CartRow, OrderLineRow, OrderRow, OrderStatusChangeRow } from './entities';
import type { OrdersLoaders } from './loaders';
import type { OrdersServices } from './services';

type Context = SubgraphContext<OrdersServices, OrdersLoaders>;

function toCart(row: CartRow) {
  return {
    id: row.id,
    currency: row.currency,
    discountCodes: row.discountCodes,
    checkedOut: row.status === 'CHECKED_OUT',
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
type Cart = ReturnType<typeof toCart>;

const money = (amount: number, currency: string) => ({ amount, currency });

function lineBasics(row: CartLineRow | OrderLineRow) {
  return {
    id: row.id,
    variant: { __typename: 'ProductVariant', id: row.variantId },
    sku: row.sku,
    productName: row.productName,
    variantTitle: row.variantTitle,
    quantity: row.quantity,
  };
}

function toCartLine(row: CartLineRow, cart: Cart) {
  return { ...lineBasics(row), variantId: row.variantId, cartId: cart.id };
}
type CartLine = ReturnType<typeof toCartLine>;

function toOrderLine(row: OrderLineRow, currency: string) {
  return {
    ...lineBasics(row),
    unitPrice: money(row.unitPriceAmount, currency),
    discount: money(row.discountAmount, currency),
    tax: money(row.taxAmount, currency),
    lineTotal: money(row.lineTotalAmount, currency),
  };
}

function toDiscounts(applied: AppliedDiscountValue[], currency: string) {
  return applied.map((d) => ({ name: d.name, code: d.code, amount: money(d.amount, currency) }));
}

function toOrder(row: OrderRow) {
  const c = row.currency;
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    email: row.email,
    currency: c,
    subtotal: money(row.subtotalAmount, c),
    discountTotal: money(row.discountTotalAmount, c),
    discounts: toDiscounts(row.discounts, c),
    discountCodes: row.discountCodes,
    shipping: money(row.shippingAmount, c),
    tax: money(row.taxTotalAmount, c),
    taxInclusive: row.taxInclusive,
    total: money(row.totalAmount, c),
    shippingAddress: row.shippingAddress,
    billingAddress: row.billingAddress,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
type Order = ReturnType<typeof toOrder>;

/** Reading an order needs an identity or the order's token; without either, say so first. */
function assertIdentified(ctx: Context, accessToken: string | null | undefined): void {
  if (ctx.viewer.kind === 'anonymous' && !accessToken && !ctx.services.access.canRead({ customerId: null }, ctx.viewer)) {
    throw unauthenticated('Sign in, or give the order access token from checkout');
  }
}

/** A customer's cart is theirs (and staff's); a guest cart is anyone's who has its id. */
function cartVisible(cart: CartRow, ctx: Context): boolean {
  return cart.customerId === null || ctx.services.access.canRead(cart, ctx.viewer);
}

async function assertCartAccess(cartId: string, ctx: Context): Promise<void> {
  const cart = await ctx.loaders.cartById.load(cartId);
  if (cart && !cartVisible(cart, ctx)) throw new DomainError('NOT_FOUND', `Cart ${cartId} was not found`, ['cartId']);
}

/** Order cursors are (created_at, id); a forged one is the client's mistake, not SQL's. */
function orderPage(args: PageArgs) {
  const page = parsePageArgs(args, 2);
  if (page.after && (Number.isNaN(Date.parse(String(page.after[0]))) || !isUuid(page.after[1]))) {
    throw badInput('after is not a valid cursor', 'after');
  }
  return page;
}

function orderConnection(connection: Connection<OrderRow>) {
  return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toOrder(e.node) })) };
}

/** The cart's cost for a destination, through the per-request quote loader. */
async function costOf(cart: Cart, ctx: Context, countryCode: string | null, region: string | null) {
  const row = await ctx.loaders.cartById.load(cart.id);
  const lines = await ctx.loaders.linesOfCart.load(cart.id);
  return ctx.loaders.cartCost.load({ cart: row!, lines, countryCode: countryCode?.toUpperCase() ?? null, region });
}

function toStatusChange(row: OrderStatusChangeRow) {
  return { status: row.status, note: row.note, at: row.createdAt.toISOString() };
}


function customerOf(ctx: Context): string | null {
  return ctx.viewer.kind === 'customer' ? ctx.viewer.customerId : null;
}

interface StepArgs {
  id: string;
  reason?: string | null;
  amount?: number | null;
  idempotencyKey?: string | null;
}

/** The mutations after checkout share one shape: permission, id, service call, payload. */
function orderStep(step: (services: OrdersServices, id: string, args: StepArgs) => Promise<OrderRow>) {
  // Who may call them is in the SDL: @requiresPermission(anyOf: ["orders:manage"]).
  return (_: unknown, args: StepArgs, ctx: Context) => {
    const id = parseId(args.id, 'id');
    return withUserErrors(async () => ({ order: toOrder(await step(ctx.services, id, args)) }));
  };
}

export const ordersResolvers: GraphQLResolverMap<Context> = {
  Subscription: {
    orderUpdated: subscriptionField(
      async (args: { id: string; accessToken?: string | null }, ctx: Context) => {
        const id = parseId(args.id, 'id');
        assertIdentified(ctx, args.accessToken);
        const row = await ctx.loaders.orderById.load(id);
        if (!row || !(await ctx.services.access.canReadWithToken(row, ctx.viewer, args.accessToken))) {
          throw new GraphQLError(`Order ${id} was not found`, { extensions: { code: 'NOT_FOUND' } });
        }
        try {
          return await ctx.services.orders.watch(id);
        } catch (error) {
          if (error instanceof DomainError) throw new GraphQLError(error.message, { extensions: { code: error.code } });
          throw error;
        }
      },
      async (event: OrderUpdatedEvent, _args: unknown, ctx: Context) => {
        const row = await ctx.loaders.orderById.load(event.orderId);
        if (!row) return null;
        // The status this change left, even if a later change has already committed.
        return toOrder(event.status ? { ...row, status: event.status as OrderRow['status'] } : row);
      },
    ),
  },
  Query: {
    async cart(_: unknown, args: { id: string }, ctx: Context) {
      const row = await ctx.loaders.cartById.load(parseId(args.id, 'id'));
      return row && cartVisible(row, ctx) ? toCart(row) : null;
    },
    async order(_: unknown, args: { id: string; accessToken?: string | null }, ctx: Context) {
      const id = parseId(args.id, 'id');
      assertIdentified(ctx, args.accessToken);
      const row = await ctx.loaders.orderById.load(id);
      // Someone else's order and an unknown one look the same.
      return row && (await ctx.services.access.canReadWithToken(row, ctx.viewer, args.accessToken)) ? toOrder(row) : null;
    },
    async orders(_: unknown, args: PageArgs & { status?: OrderRow['status'] | null }, ctx: Context) {
      return orderConnection(await ctx.services.orders.listOrders(orderPage(args), { status: args.status ?? null }));
    },
  },
  Mutation: {
    cartCreate(_: unknown, args: { input?: { currency?: string | null; lines?: LineInput[] | null } | null }, ctx: Context) {
      return withUserErrors(async () => ({
        cart: toCart(await ctx.services.carts.create(args.input ?? {}, customerOf(ctx))),
      }));
    },
    cartLinesAdd(_: unknown, args: { cartId: string; lines: LineInput[] }, ctx: Context) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return { cart: toCart(await ctx.services.carts.addLines(cartId, args.lines)) };
      });
    },
    cartLinesUpdate(_: unknown, args: { cartId: string; lines: { id: string; quantity: number }[] }, ctx: Context) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return { cart: toCart(await ctx.services.carts.updateLines(cartId, args.lines)) };
      });
    },
    cartDiscountCodesUpdate(_: unknown, args: { cartId: string; discountCodes: string[] }, ctx: Context) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return { cart: toCart(await ctx.services.carts.setDiscountCodes(cartId, args.discountCodes)) };
      });
    },
    cartLinesRemove(_: unknown, args: { cartId: string; lineIds: string[] }, ctx: Context) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return { cart: toCart(await ctx.services.carts.removeLines(cartId, args.lineIds)) };
      });
    },
    checkout(_: unknown, args: { input: CheckoutInput }, ctx: Context) {
      const input = { ...args.input, cartId: parseId(args.input.cartId, 'cartId') };
      return withUserErrors(async () => {
        await assertCartAccess(input.cartId, ctx);
        const order = await ctx.services.checkout.checkout(input, ctx.viewer);
        return { order: toOrder(order), orderAccessToken: await ctx.services.access.tokenFor(order.id) };
      });
    },
    orderCapture: orderStep((s, id, args) => s.orders.capture(id, args.amount ?? null)),
    orderFulfill: orderStep((s, id) => s.orders.fulfill(id)),
    orderMarkDelivered: orderStep((s, id) => s.orders.markDelivered(id)),
    orderCancel: orderStep((s, id, args) => s.orders.cancel(id, args.reason ?? null)),
    orderRefund: orderStep((s, id, args) => s.orders.refund(id, args.amount ?? null, args.reason ?? null, args.idempotencyKey ?? randomUUID())),
  },
  Cart: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      const row = isUuid(ref.id) ? await ctx.loaders.cartById.load(ref.id) : null;
      return row && cartVisible(row, ctx) ? toCart(row) : null;
    },
    async lines(cart: Cart, _: unknown, ctx: Context) {
      return (await ctx.loaders.linesOfCart.load(cart.id)).map((l) => toCartLine(l, cart));
    },
    async totalQuantity(cart: Cart, _: unknown, ctx: Context) {
      return (await ctx.loaders.linesOfCart.load(cart.id)).reduce((n, l) => n + l.quantity, 0);
    },
    async cost(cart: Cart, args: { countryCode?: string | null; region?: string | null }, ctx: Context) {
      const { quote, error } = await costOf(cart, ctx, args.countryCode ?? null, args.region ?? null);
      if (error) throw new GraphQLError(error.message, { extensions: { code: error.code } });
      const c = cart.currency;
      if (!quote) {
        const zero = money(0, c);
        return { subtotal: zero, discounts: [], discountTotal: zero, shipping: zero, tax: zero, taxInclusive: false, total: zero, couponErrors: [] };
      }
      const p = quote.price;
      return {
        subtotal: money(p.subtotal, c),
        discounts: toDiscounts(quote.discounts.applied, c),
        discountTotal: money(p.discountTotal + p.shippingDiscountAmount, c),
        shipping: money(p.shippingAmount, c),
        tax: money(p.taxTotal, c),
        taxInclusive: p.taxInclusive,
        total: money(p.total, c),
        couponErrors: quote.couponErrors,
      };
    },
  },
  Customer: {
    __resolveReference(ref: { id: string }) {
      return { id: ref.id };
    },
    async orders(customer: { id: string }, args: PageArgs, ctx: Context) {
      if (!ctx.services.access.canRead({ customerId: customer.id }, ctx.viewer)) {
        throw forbidden('Only the customer and staff with orders:manage see these orders');
      }
      return orderConnection(await ctx.services.orders.listOrders(orderPage(args), { customerId: customer.id }));
    },
  },
  CartLine: {
    async cost(line: CartLine, _: unknown, ctx: Context) {
      const cart = toCart((await ctx.loaders.cartById.load(line.cartId))!);
      const { quote, error } = await costOf(cart, ctx, null, null);
      if (error) throw new GraphQLError(error.message, { extensions: { code: error.code } });
      const priced = quote!.price.lines.find((l) => l.variantId === line.variantId)!;
      const c = cart.currency;
      return {
        unitPrice: money(priced.unitPrice, c),
        subtotal: money(priced.lineSubtotal, c),
        discount: money(priced.discountAmount, c),
        total: money(priced.lineSubtotal - priced.discountAmount, c),
      };
    },
  },
  Order: {
    // References carry no access token: only the customer, staff and services get through.
    async __resolveReference(ref: { id: string }, ctx: Context) {
      const row = isUuid(ref.id) ? await ctx.loaders.orderById.load(ref.id) : null;
      return row && ctx.services.access.canRead(row, ctx.viewer) ? toOrder(row) : null;
    },
    async lines(order: Order, _: unknown, ctx: Context) {
      return (await ctx.loaders.linesOfOrder.load(order.id)).map((l) => toOrderLine(l, order.currency));
    },
    async statusHistory(order: Order, _: unknown, ctx: Context) {
      return (await ctx.loaders.statusHistoryOfOrder.load(order.id)).map(toStatusChange);
    },
  },
};
