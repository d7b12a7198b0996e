import type { SubgraphContext } from '../../platform/context';
import { GraphQLError } from 'graphql';
import {
  badInput,
  DomainError,
  forbidden,
  unauthenticated,
  withUserErrors,
} from '../../platform/errors';
import { type Connection, type PageArgs, parsePageArgs } from '../../platform/pagination';
import { subscriptionField } from '../../platform/live';
import type { OrderUpdatedEvent } from '../../platform/topics';
import { isUuid, parseId } from '../../platform/ids';
import { randomUUID } from 'node:crypto';
import type {
  AppliedDiscountValue,
  CartLineRow,
  CartRow,
  OrderLineRow,
  OrderRow,
  OrderStatusChangeRow,
} from './entities';
import type {
  Cart,
  CartLine,
  Customer,
  ModelFields,
  Order,
  Resolvers,
  SubscriptionOrderUpdatedArgs,
} from './generated/resolvers-types';
import type { OrdersLoaders } from './loaders';
import type { OrdersServices } from './services';

export type Context = SubgraphContext<OrdersServices, OrdersLoaders>;

/**
 * GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. The
 * `…Model` types are the mappers of codegen.yml: generated/resolvers-types.ts types every
 * resolver's parent and result with them, and ModelFields ties them to the schema (a
 * field without a resolver must be in the model, with the schema's type).
 */
export type CartModel = ModelFields<Cart, 'lines' | 'totalQuantity' | 'cost'>;
export type CartLineModel = ModelFields<CartLine, 'cost'> & { variantId: string; cartId: string };
export type OrderModel = ModelFields<Order, 'lines' | 'statusHistory' | 'accessGrant'> & {
  currency: string;
};
export type CustomerModel = ModelFields<Customer, 'orders'>;

function toCart(row: CartRow): CartModel {
  return {
    id: row.id,
    currency: row.currency,
    discountCodes: row.discountCodes,
    checkedOut: row.status === 'CHECKED_OUT',
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const money = (amount: number, currency: string) => ({ amount, currency });

function lineBasics(row: CartLineRow | OrderLineRow) {
  return {
    id: row.id,
    variant: { __typename: 'ProductVariant' as const, id: row.variantId },
    sku: row.sku,
    productName: row.productName,
    variantTitle: row.variantTitle,
    quantity: row.quantity,
  };
}

function toCartLine(row: CartLineRow, cart: CartModel): CartLineModel {
  return { ...lineBasics(row), variantId: row.variantId, cartId: cart.id };
}

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

function toOrder(row: OrderRow): OrderModel {
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

/** Reading an order needs an identity or the order's token; without either, say so first. */
function assertIdentified(ctx: Context, accessToken: string | null | undefined): void {
  if (
    ctx.viewer.kind === 'anonymous' &&
    !accessToken &&
    !ctx.services.access.canRead({ customerId: null }, ctx.viewer)
  ) {
    throw unauthenticated('Sign in, or give the order access token from checkout');
  }
}

/** A customer's cart is theirs (and staff's); a guest cart is anyone's who has its id. */
function cartVisible(cart: CartRow, ctx: Context): boolean {
  return cart.customerId === null || ctx.services.access.canRead(cart, ctx.viewer);
}

async function assertCartAccess(cartId: string, ctx: Context): Promise<void> {
  const cart = await ctx.loaders.cartById.load(cartId);
  if (cart && !cartVisible(cart, ctx))
    throw new DomainError('NOT_FOUND', `Cart ${cartId} was not found`, ['cartId']);
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
  return {
    ...connection,
    edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toOrder(e.node) })),
  };
}

/** The cart's cost for a destination, through the per-request quote loader. */
async function costOf(
  cart: CartModel,
  ctx: Context,
  countryCode: string | null,
  region: string | null,
) {
  const row = await ctx.loaders.cartById.load(cart.id);
  const lines = await ctx.loaders.linesOfCart.load(cart.id);
  return ctx.loaders.cartCost.load({
    cart: row!,
    lines,
    countryCode: countryCode?.toUpperCase() ?? null,
    region,
  });
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
function orderStep(
  step: (services: OrdersServices, id: string, args: StepArgs) => Promise<OrderRow>,
) {
  // Who may call them is in the SDL: @requiresPermission(anyOf: ["orders:manage"]).
  return (_: unknown, args: StepArgs, ctx: Context) => {
    const id = parseId(args.id, 'id');
    return withUserErrors(async () => ({ order: toOrder(await step(ctx.services, id, args)) }));
  };
}

/**
 * the platform's subscriptionField (fresh DataLoaders per event) with the event's GraphQL shape
 * kept: its own `resolve` returns `unknown`, which the generated types cannot check.
 */
function typedSubscription<Event, Args, Result>(
  subscribe: (
    args: Args,
    ctx: Context,
  ) => AsyncIterableIterator<Event> | Promise<AsyncIterableIterator<Event>>,
  resolve: (event: Event, args: Args, ctx: Context) => Promise<Result>,
) {
  const field = subscriptionField(subscribe, resolve);
  return {
    subscribe: field.subscribe,
    resolve: (event: Event, args: Args, ctx: Context) =>
      field.resolve(event, args, ctx) as Promise<Result>,
  };
}

export const ordersResolvers = {
  Subscription: {
    orderUpdated: typedSubscription(
      async (args: SubscriptionOrderUpdatedArgs, ctx: Context) => {
        const id = parseId(args.id, 'id');
        assertIdentified(ctx, args.accessToken);
        const row = await ctx.loaders.orderById.load(id);
        if (
          !row ||
          !(await ctx.services.access.canReadWithToken(row, ctx.viewer, args.accessToken))
        ) {
          throw new GraphQLError(`Order ${id} was not found`, {
            extensions: { code: 'NOT_FOUND' },
          });
        }
        try {
          return await ctx.services.orders.watch(id);
        } catch (error) {
          if (error instanceof DomainError)
            throw new GraphQLError(error.message, { extensions: { code: error.code } });
          throw error;
        }
      },
      async (event: OrderUpdatedEvent, _args: unknown, ctx: Context) => {
        const row = await ctx.loaders.orderById.load(event.orderId);
        // Order! in the schema: an order is never deleted, so a missing one is a broken invariant.
        if (!row)
          throw new GraphQLError(`Order ${event.orderId} was not found`, {
            extensions: { code: 'NOT_FOUND' },
          });
        // The status this change left, even if a later change has already committed.
        return toOrder(event.status ? { ...row, status: event.status as OrderRow['status'] } : row);
      },
    ),
  },
  Query: {
    async cart(_, args, ctx) {
      const row = await ctx.loaders.cartById.load(parseId(args.id, 'id'));
      return row && cartVisible(row, ctx) ? toCart(row) : null;
    },
    async order(_, args, ctx) {
      const id = parseId(args.id, 'id');
      assertIdentified(ctx, args.accessToken);
      const row = await ctx.loaders.orderById.load(id);
      // Someone else's order and an unknown one look the same.
      return row && (await ctx.services.access.canReadWithToken(row, ctx.viewer, args.accessToken))
        ? toOrder(row)
        : null;
    },
    async orders(_, args, ctx) {
      return orderConnection(
        await ctx.services.orders.listOrders(orderPage(args), { status: args.status ?? null }),
      );
    },
  },
  Mutation: {
    cartCreate(_, args, ctx) {
      return withUserErrors(async () => ({
        cart: toCart(await ctx.services.carts.create(args.input ?? {}, customerOf(ctx))),
      }));
    },
    cartLinesAdd(_, args, ctx) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return { cart: toCart(await ctx.services.carts.addLines(cartId, args.lines)) };
      });
    },
    cartLinesUpdate(_, args, ctx) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return { cart: toCart(await ctx.services.carts.updateLines(cartId, args.lines)) };
      });
    },
    cartDiscountCodesUpdate(_, args, ctx) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return {
          cart: toCart(await ctx.services.carts.setDiscountCodes(cartId, args.discountCodes)),
        };
      });
    },
    cartLinesRemove(_, args, ctx) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return { cart: toCart(await ctx.services.carts.removeLines(cartId, args.lineIds)) };
      });
    },
    checkout(_, args, ctx) {
      const input = { ...args.input, cartId: parseId(args.input.cartId, 'cartId') };
      return withUserErrors(async () => {
        await assertCartAccess(input.cartId, ctx);
        const order = await ctx.services.checkout.checkout(input, ctx.viewer);
        return {
          order: toOrder(order),
          orderAccessToken: await ctx.services.access.tokenFor(order.id),
        };
      });
    },
    orderCapture: orderStep((s, id, args) => s.orders.capture(id, args.amount ?? null)),
    orderFulfill: orderStep((s, id) => s.orders.fulfill(id)),
    orderMarkDelivered: orderStep((s, id) => s.orders.markDelivered(id)),
    orderCancel: orderStep((s, id, args) => s.orders.cancel(id, args.reason ?? null)),
    orderRefund: orderStep((s, id, args) =>
      s.orders.refund(
        id,
        args.amount ?? null,
        args.reason ?? null,
        args.idempotencyKey ?? randomUUID(),
      ),
    ),
  },
  Cart: {
    async __resolveReference(ref, ctx) {
      const row = isUuid(ref.id) ? await ctx.loaders.cartById.load(ref.id) : null;
      return row && cartVisible(row, ctx) ? toCart(row) : null;
    },
    async lines(cart, _, ctx) {
      return (await ctx.loaders.linesOfCart.load(cart.id)).map((l) => toCartLine(l, cart));
    },
    async totalQuantity(cart, _, ctx) {
      return (await ctx.loaders.linesOfCart.load(cart.id)).reduce((n, l) => n + l.quantity, 0);
    },
    async cost(cart, args, ctx) {
      const { quote, error } = await costOf(
        cart,
        ctx,
        args.countryCode ?? null,
        args.region ?? null,
      );
      if (error) throw new GraphQLError(error.message, { extensions: { code: error.code } });
      const c = cart.currency;
      if (!quote) {
        const zero = money(0, c);
        return {
          subtotal: zero,
          discounts: [],
          discountTotal: zero,
          shipping: zero,
          tax: zero,
          taxInclusive: false,
          total: zero,
          couponErrors: [],
        };
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
    __resolveReference(ref) {
      return { id: ref.id };
    },
    async orders(customer, args, ctx) {
      if (!ctx.services.access.canRead({ customerId: customer.id }, ctx.viewer)) {
        throw forbidden('Only the customer and staff with orders:manage see these orders');
      }
      return orderConnection(
        await ctx.services.orders.listOrders(orderPage(args), { customerId: customer.id }),
      );
    },
  },
  CartLine: {
    async cost(line, _, ctx) {
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
    async __resolveReference(ref, ctx) {
      const row = isUuid(ref.id) ? await ctx.loaders.orderById.load(ref.id) : null;
      if (!row) return null;
      // A subgraph extending Order asks on behalf of its caller, with the grant orders gave it.
      const grant = (ref as { accessGrant?: unknown }).accessGrant;
      const readable = await ctx.services.access.canReadWithToken(
        row,
        ctx.viewer,
        typeof grant === 'string' ? grant : null,
      );
      return readable ? toOrder(row) : null;
    },
    accessGrant(order, _, ctx) {
      return ctx.services.access.tokenFor(order.id);
    },
    async lines(order, _, ctx) {
      return (await ctx.loaders.linesOfOrder.load(order.id)).map((l) =>
        toOrderLine(l, order.currency),
      );
    },
    async statusHistory(order, _, ctx) {
      return (await ctx.loaders.statusHistoryOfOrder.load(order.id)).map(toStatusChange);
    },
  },
} satisfies Resolvers;
