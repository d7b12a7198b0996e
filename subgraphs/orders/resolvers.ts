import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import { requirePermission } from '../kit/authorization';
import type { SubgraphContext } from '../kit/context';
import { GraphQLError } from 'graphql';
import { DomainError, withUserErrors } from '../kit/errors';
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
const MANAGE = 'orders:manage';

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

/** The cart's cost for a destination, through the per-request quote loader. */
async function costOf(cart: Cart, ctx: Context, countryCode: string | null, region: string | null) {
  const row = await ctx.loaders.cartById.load(cart.id);
  const lines = await ctx.loaders.linesOfCart.load(cart.id);
  return ctx.loaders.cartCost.load({ cart: row!, lines, countryCode: countryCode?.toUpperCase() ?? null, region });
}

function toStatusChange(row: OrderStatusChangeRow) {
  return { status: row.status, note: row.note, at: row.createdAt.toISOString() };
}

const orNull = <T, R>(map: (row: T) => R) => (row: T | null) => (row ? map(row) : null);

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
  return (_: unknown, args: StepArgs, ctx: Context) => {
    requirePermission(ctx.viewer, MANAGE);
    const id = parseId(args.id, 'id');
    return withUserErrors(async () => ({ order: toOrder(await step(ctx.services, id, args)) }));
  };
}

export const ordersResolvers: GraphQLResolverMap<Context> = {
  Subscription: {
    orderUpdated: subscriptionField(
      async (args: { id: string }, ctx: Context) => {
        const id = parseId(args.id, 'id');
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
    cart(_: unknown, args: { id: string }, ctx: Context) {
      return ctx.loaders.cartById.load(parseId(args.id, 'id')).then(orNull(toCart));
    },
    order(_: unknown, args: { id: string }, ctx: Context) {
      return ctx.loaders.orderById.load(parseId(args.id, 'id')).then(orNull(toOrder));
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
      return withUserErrors(async () => ({ cart: toCart(await ctx.services.carts.addLines(cartId, args.lines)) }));
    },
    cartLinesUpdate(_: unknown, args: { cartId: string; lines: { id: string; quantity: number }[] }, ctx: Context) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => ({ cart: toCart(await ctx.services.carts.updateLines(cartId, args.lines)) }));
    },
    cartDiscountCodesUpdate(_: unknown, args: { cartId: string; discountCodes: string[] }, ctx: Context) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => ({ cart: toCart(await ctx.services.carts.setDiscountCodes(cartId, args.discountCodes)) }));
    },
    cartLinesRemove(_: unknown, args: { cartId: string; lineIds: string[] }, ctx: Context) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => ({ cart: toCart(await ctx.services.carts.removeLines(cartId, args.lineIds)) }));
    },
    checkout(_: unknown, args: { input: CheckoutInput }, ctx: Context) {
      const input = { ...args.input, cartId: parseId(args.input.cartId, 'cartId') };
      return withUserErrors(async () => ({ order: toOrder(await ctx.services.checkout.checkout(input, ctx.viewer)) }));
    },
    orderCapture: orderStep((s, id, args) => s.orders.capture(id, args.amount ?? null)),
    orderFulfill: orderStep((s, id) => s.orders.fulfill(id)),
    orderMarkDelivered: orderStep((s, id) => s.orders.markDelivered(id)),
    orderCancel: orderStep((s, id, args) => s.orders.cancel(id, args.reason ?? null)),
    orderRefund: orderStep((s, id, args) => s.orders.refund(id, args.amount ?? null, args.reason ?? null, args.idempotencyKey ?? randomUUID())),
  },
  Cart: {
    __resolveReference(ref: { id: string }, ctx: Context) {
      return isUuid(ref.id) ? ctx.loaders.cartById.load(ref.id).then(orNull(toCart)) : null;
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
    __resolveReference(ref: { id: string }, ctx: Context) {
      return isUuid(ref.id) ? ctx.loaders.orderById.load(ref.id).then(orNull(toOrder)) : null;
    },
    async lines(order: Order, _: unknown, ctx: Context) {
      return (await ctx.loaders.linesOfOrder.load(order.id)).map((l) => toOrderLine(l, order.currency));
    },
    async statusHistory(order: Order, _: unknown, ctx: Context) {
      return (await ctx.loaders.statusHistoryOfOrder.load(order.id)).map(toStatusChange);
    },
  },
};
