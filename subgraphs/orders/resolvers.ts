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
import type { CartLineRow, CartRow, OrderLineRow, OrderRow, OrderStatusChangeRow } from './entities';
import type { OrdersLoaders } from './loaders';
import type { OrdersServices } from './services';

type Context = SubgraphContext<OrdersServices, OrdersLoaders>;
const MANAGE = 'orders:manage';

function toCart(row: CartRow) {
  return {
    id: row.id,
    currency: row.currency,
    checkedOut: row.status === 'CHECKED_OUT',
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
type Cart = ReturnType<typeof toCart>;

function toLine(row: CartLineRow | OrderLineRow, currency: string) {
  return {
    id: row.id,
    variant: { __typename: 'ProductVariant', id: row.variantId },
    sku: row.sku,
    productName: row.productName,
    variantTitle: row.variantTitle,
    quantity: row.quantity,
    unitPrice: { amount: row.unitPriceAmount, currency },
    lineTotal: { amount: row.unitPriceAmount * row.quantity, currency },
  };
}

function toOrder(row: OrderRow) {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    email: row.email,
    currency: row.currency,
    subtotal: { amount: row.subtotalAmount, currency: row.currency },
    total: { amount: row.totalAmount, currency: row.currency },
    shippingAddress: row.shippingAddress,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
type Order = ReturnType<typeof toOrder>;

function toStatusChange(row: OrderStatusChangeRow) {
  return { status: row.status, note: row.note, at: row.createdAt.toISOString() };
}

const orNull = <T, R>(map: (row: T) => R) => (row: T | null) => (row ? map(row) : null);

function customerOf(ctx: Context): string | null {
  return ctx.viewer.kind === 'customer' ? ctx.viewer.customerId : null;
}

/** The mutations after checkout share one shape: permission, id, service call, payload. */
function orderStep(step: (services: OrdersServices, id: string, reason: string | null) => Promise<OrderRow>) {
  return (_: unknown, args: { id: string; reason?: string | null }, ctx: Context) => {
    requirePermission(ctx.viewer, MANAGE);
    const id = parseId(args.id, 'id');
    return withUserErrors(async () => ({ order: toOrder(await step(ctx.services, id, args.reason ?? null)) }));
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
    cartLinesRemove(_: unknown, args: { cartId: string; lineIds: string[] }, ctx: Context) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => ({ cart: toCart(await ctx.services.carts.removeLines(cartId, args.lineIds)) }));
    },
    checkout(_: unknown, args: { input: CheckoutInput }, ctx: Context) {
      const input = { ...args.input, cartId: parseId(args.input.cartId, 'cartId') };
      return withUserErrors(async () => ({ order: toOrder(await ctx.services.checkout.checkout(input, ctx.viewer)) }));
    },
    orderCapture: orderStep((s, id) => s.orders.capture(id)),
    orderFulfill: orderStep((s, id) => s.orders.fulfill(id)),
    orderMarkDelivered: orderStep((s, id) => s.orders.markDelivered(id)),
    orderCancel: orderStep((s, id, reason) => s.orders.cancel(id, reason)),
    orderRefund: orderStep((s, id, reason) => s.orders.refund(id, reason)),
  },
  Cart: {
    __resolveReference(ref: { id: string }, ctx: Context) {
      return isUuid(ref.id) ? ctx.loaders.cartById.load(ref.id).then(orNull(toCart)) : null;
    },
    async lines(cart: Cart, _: unknown, ctx: Context) {
      return (await ctx.loaders.linesOfCart.load(cart.id)).map((l) => toLine(l, cart.currency));
    },
    async totalQuantity(cart: Cart, _: unknown, ctx: Context) {
      return (await ctx.loaders.linesOfCart.load(cart.id)).reduce((n, l) => n + l.quantity, 0);
    },
    async subtotal(cart: Cart, _: unknown, ctx: Context) {
      const lines = await ctx.loaders.linesOfCart.load(cart.id);
      return { amount: lines.reduce((sum, l) => sum + l.unitPriceAmount * l.quantity, 0), currency: cart.currency };
    },
  },
  Order: {
    __resolveReference(ref: { id: string }, ctx: Context) {
      return isUuid(ref.id) ? ctx.loaders.orderById.load(ref.id).then(orNull(toOrder)) : null;
    },
    async lines(order: Order, _: unknown, ctx: Context) {
      return (await ctx.loaders.linesOfOrder.load(order.id)).map((l) => toLine(l, order.currency));
    },
    async statusHistory(order: Order, _: unknown, ctx: Context) {
      return (await ctx.loaders.statusHistoryOfOrder.load(order.id)).map(toStatusChange);
    },
  },
};
