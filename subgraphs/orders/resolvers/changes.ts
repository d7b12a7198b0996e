import { DomainError, withUserErrors } from '../../../platform/errors';
import { hasPermission } from '../../../platform/authorization';
import type { OrderChangeRow, OrderRow } from '../entities';
import { OrdersErrorCode } from '../errors';
import type { Resolvers } from '../generated/resolvers-types';
import { idAt, toChange } from './change-models';
import { type Context, toOrder } from './models';

/** Returns are for the order's customer and for staff with returns:manage. */
export const RETURNS_STAFF = 'returns:manage';

const actorOf = (ctx: Context) =>
  ctx.viewer.kind === 'staff'
    ? `staff:${ctx.viewer.staffId}`
    : ctx.viewer.kind === 'customer'
      ? `customer:${ctx.viewer.customerId}`
      : null;

const changed = ({ change, order }: { change: OrderChangeRow; order: OrderRow }) => ({
  change: toChange(change),
  order: toOrder(order),
});

const run = (body: () => Promise<{ change: OrderChangeRow; order: OrderRow }>) =>
  withUserErrors(async () => changed(await body()));

export const changeResolvers = {
  Mutation: {
    // orders:edit and returns:manage are in the SDL (@requiresPermission).
    orderEditPreview: (_, { input }, ctx) =>
      run(() =>
        ctx.services.edits.preview(
          idAt(input.orderId, ['input', 'orderId']),
          {
            addLines: (input.addLines ?? []).map((l, i) => ({
              variantId: idAt(l.variantId, ['input', 'addLines', String(i), 'variantId']),
              quantity: l.quantity,
            })),
            updateLines: (input.updateLines ?? []).map((l, i) => ({
              lineId: idAt(l.lineId, ['input', 'updateLines', String(i), 'lineId']),
              quantity: l.quantity,
            })),
            shippingAddress: input.shippingAddress ?? null,
            shippingMethodId: input.shippingMethodId
              ? idAt(input.shippingMethodId, ['input', 'shippingMethodId'])
              : null,
          },
          actorOf(ctx),
        ),
      ),
    orderEditCommit: (_, { input }, ctx) =>
      run(() =>
        ctx.services.edits.commit(
          idAt(input.changeId, ['input', 'changeId']),
          input.payment ?? null,
          actorOf(ctx),
        ),
      ),
    returnRequest: (_, { input }, ctx) =>
      run(async () => {
        const orderId = idAt(input.orderId, ['input', 'orderId']);
        const order = await ctx.loaders.orderById.load(orderId);
        // Another customer's order and an unknown one look the same.
        const own = ctx.viewer.kind === 'customer' && order?.customerId === ctx.viewer.customerId;
        if (!order || !(own || hasPermission(ctx.viewer, RETURNS_STAFF))) {
          throw new DomainError(OrdersErrorCode.NOT_FOUND, `Order ${orderId} was not found`, [
            'input',
            'orderId',
          ]);
        }
        return ctx.services.returns.request(
          order,
          {
            orderId,
            reason: input.reason,
            items: input.items.map((item, i) => ({
              lineId: idAt(item.lineId, ['input', 'items', String(i), 'lineId']),
              quantity: item.quantity,
            })),
            exchangeLines:
              input.exchangeLines?.map((l, i) => ({
                variantId: idAt(l.variantId, ['input', 'exchangeLines', String(i), 'variantId']),
                quantity: l.quantity,
              })) ?? null,
          },
          actorOf(ctx),
        );
      }),
    returnApprove: (_, args, ctx) => run(() => ctx.services.returns.approve(idAt(args.id, ['id']))),
    returnReject: (_, args, ctx) =>
      run(() => ctx.services.returns.reject(idAt(args.id, ['id']), args.reason ?? null)),
    returnReceive: (_, args, ctx) =>
      run(() =>
        ctx.services.returns.receive(
          idAt(args.id, ['id']),
          args.items.map((item, i) => ({
            lineId: idAt(item.lineId, ['items', String(i), 'lineId']),
            condition: item.condition,
          })),
        ),
      ),
    returnSettle: (_, { input }, ctx) =>
      run(() =>
        ctx.services.returns.settle(
          idAt(input.id, ['input', 'id']),
          input.payment ?? null,
          actorOf(ctx),
        ),
      ),
    orderClaimCreate: (_, { input }, ctx) =>
      run(() =>
        ctx.services.claims.create(
          {
            orderId: idAt(input.orderId, ['input', 'orderId']),
            idempotencyKey: input.idempotencyKey,
            reason: input.reason,
            resolution: input.resolution,
            items: input.items.map((item, i) => ({
              lineId: idAt(item.lineId, ['input', 'items', String(i), 'lineId']),
              quantity: item.quantity,
            })),
            returnItems: input.returnItems ?? false,
            note: input.note ?? null,
          },
          actorOf(ctx),
        ),
      ),
  },
  Order: {
    async changes(order, _, ctx) {
      return (await ctx.loaders.changesOfOrder.load(order.id)).map(toChange);
    },
  },
} satisfies Resolvers;
