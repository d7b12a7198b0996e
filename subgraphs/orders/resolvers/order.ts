import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { badInput, DomainError, forbidden, withUserErrors } from '../../../platform/errors';
import { isUuid, parseId } from '../../../platform/ids';
import { subscriptionField, type SubscriptionFieldOptions } from '../../../platform/live';
import type { OrderUpdatedEvent } from '../../../platform/topics';
import type { OrderRow } from '../entities';
import type { Resolvers, SubscriptionOrderUpdatedArgs } from '../generated/resolvers-types';
import type { OrdersServices } from '../service';
import { assertIdentified, orderConnection, orderPage } from './access';
import { lineProgress } from '../domain/changes/line-progress';
import { type Context, toOrder, toOrderLine, toStatusChange } from './models';

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
  options?: SubscriptionFieldOptions,
) {
  const field = subscriptionField(subscribe, resolve, options);
  return {
    subscribe: field.subscribe,
    resolve: (event: Event, args: Args, ctx: Context) =>
      field.resolve(event, args, ctx) as Promise<Result>,
  };
}

const notFound = (id: string) =>
  new GraphQLError(`Order ${id} was not found`, { extensions: { code: 'NOT_FOUND' } });

export const orderResolvers = {
  Subscription: {
    orderUpdated: typedSubscription(
      async (args: SubscriptionOrderUpdatedArgs, ctx: Context) => {
        const id = parseId(args.id, 'id');
        assertIdentified(ctx, args.accessToken);
        const row = await ctx.loaders.orderById.load(id);
        if (
          !row ||
          !(await ctx.services.access.canReadWithToken(row, ctx.viewer, args.accessToken))
        )
          throw notFound(id);
        try {
          return await ctx.services.orders.watch(id, ctx.resumeAfter ?? null);
        } catch (error) {
          if (error instanceof DomainError)
            throw new GraphQLError(error.message, { extensions: { code: error.code } });
          throw error;
        }
      },
      async (event: OrderUpdatedEvent, _args: unknown, ctx: Context) => {
        const row = await ctx.loaders.orderById.load(event.orderId);
        // Order! in the schema: an order is never deleted, so a missing one is a broken invariant.
        if (!row) throw notFound(event.orderId);
        // The status this change left, even if a later change has already committed.
        return toOrder(event.status ? { ...row, status: event.status as OrderRow['status'] } : row);
      },
      { snapshots: true },
    ),
  },
  Query: {
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
      if (args.search && args.search.length > 200)
        throw badInput('search is at most 200 characters', 'search');
      return orderConnection(
        await ctx.services.orders.listOrders(orderPage(args), {
          status: args.status ?? null,
          search: args.search ?? null,
        }),
      );
    },
  },
  Mutation: {
    orderCapture: orderStep((s, id, args) => s.orders.capture(id, args.amount ?? null)),
    orderFulfill: orderStep((s, id) => s.orders.fulfill(id)),
    orderMarkDelivered: orderStep((s, id) => s.orders.markDelivered(id)),
    orderCancel: orderStep((s, id, args) => s.orders.cancel(id, args.reason ?? null)),
    orderForceCancel: (_, args, ctx) => {
      const id = parseId(args.id, 'id');
      const actor = ctx.viewer.kind === 'staff' ? `staff:${ctx.viewer.staffId}` : null;
      return withUserErrors(async () => ({
        order: toOrder(await ctx.services.orders.forceCancel(id, args.reason, actor)),
      }));
    },
    orderRefund: orderStep((s, id, args) =>
      s.orders.refund(
        id,
        args.amount ?? null,
        args.reason ?? null,
        args.idempotencyKey ?? randomUUID(),
      ),
    ),
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
      const [lines, parcels, row] = await Promise.all([
        ctx.loaders.linesOfOrder.load(order.id),
        ctx.loaders.parcelsOfOrder.load(order.id),
        ctx.loaders.orderById.load(order.id),
      ]);
      return lines.map((l) => {
        const progress = row ? lineProgress(row, l, parcels) : null;
        return {
          ...toOrderLine(l, order.currency),
          shippedQuantity: progress?.shipped ?? 0,
          deliveredQuantity: progress?.delivered ?? 0,
        };
      });
    },
    async statusHistory(order, _, ctx) {
      return (await ctx.loaders.statusHistoryOfOrder.load(order.id)).map(toStatusChange);
    },
  },
} satisfies Resolvers;
