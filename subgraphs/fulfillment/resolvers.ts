import { hasPermission, refuse } from '../../platform/authorization';
import type { SubgraphContext } from '../../platform/context';
import { badInput, withUserErrors } from '../../platform/errors';
import { isUuid, parseId } from '../../platform/ids';
import { orNull } from '../../platform/loaders';
import { mapConnection, parsePageArgs } from '../../platform/pagination';
import type { Viewer } from '../../platform/identity';
import { renderPackingSlip } from './domain/packing-slip';
import type { FulfillmentLineRow, FulfillmentRow } from './entities';
import type { Resolvers } from './generated/resolvers-types';
import type { FulfillmentServices } from './index';
import type { FulfillmentLoaders } from './loaders';
import {
  toBin,
  toCapacity,
  toFulfillment,
  toFulfillmentOrder,
  toPickList,
  type FulfillmentModel,
} from './models';

export type {
  BinModel,
  CapacityModel,
  FulfillmentModel,
  FulfillmentOrderModel,
  OrderModel,
  PickListModel,
} from './models';

export type Context = SubgraphContext<FulfillmentServices, FulfillmentLoaders>;

export const FULFILLMENT_MANAGE = 'fulfillment:manage';

const isStaff = (viewer: Viewer) =>
  viewer.kind === 'service' || hasPermission(viewer, FULFILLMENT_MANAGE);

function requireStaff(viewer: Viewer): void {
  if (!isStaff(viewer)) refuse(viewer, `Requires ${FULFILLMENT_MANAGE}`);
}

async function linesOf(ctx: Context, fulfillment: FulfillmentModel) {
  const lines = await ctx.loaders.linesOfFulfillment.load(fulfillment.id);
  const bins = await Promise.all(
    lines.map((l) => ctx.loaders.binOf.load(`${fulfillment.warehouseId}|${l.sku}`)),
  );
  return lines.map((line, i) => ({ line, bin: bins[i]?.location ?? null }));
}

const id = (value: string, field: string) => parseId(value, field);
const svc = (ctx: Context) => ctx.services.fulfillment;
const payload = (row: FulfillmentRow) => ({ fulfillment: toFulfillment(row) });

export const fulfillmentResolvers = {
  Query: {
    async fulfillmentOrder(_, args, ctx) {
      return ctx.loaders.fulfillmentOrderOfOrder
        .load(id(args.orderId, 'orderId'))
        .then(orNull(toFulfillmentOrder));
    },
    async fulfillments(_, args, ctx) {
      const connection = await svc(ctx).listFulfillments(parsePageArgs(args, 2), {
        warehouseId: id(args.warehouseId, 'warehouseId'),
        status: args.status ?? null,
      });
      return mapConnection(connection, toFulfillment);
    },
    async pickList(_, args, ctx) {
      return ctx.loaders.pickListById.load(id(args.id, 'id')).then(orNull(toPickList));
    },
    async warehouseCapacities(_, __, ctx) {
      return (await svc(ctx).setup.capacities()).map(toCapacity);
    },
    async fulfillmentSlots(_, args, ctx) {
      const from = new Date(args.from);
      if (Number.isNaN(from.getTime())) throw badInput('from is not an ISO time', 'from');
      const hours = args.hours ?? 24;
      if (!Number.isSafeInteger(hours) || hours < 1 || hours > 168)
        throw badInput('hours is 1-168', 'hours');
      const rows = await svc(ctx).setup.slots(id(args.warehouseId, 'warehouseId'), from, hours);
      return rows.map((r) => ({
        start: r.slotStart.toISOString(),
        orders: r.orders,
        items: r.items,
      }));
    },
    async bins(_, args, ctx) {
      return (await svc(ctx).setup.bins(id(args.warehouseId, 'warehouseId'))).map(toBin);
    },
  },
  Mutation: {
    pickListCreate(_, { input }, ctx) {
      const warehouseId = id(input.warehouseId, 'warehouseId');
      return withUserErrors(async () => ({
        pickList: toPickList(
          await svc(ctx).picking.createPickList(warehouseId, input.maxFulfillments ?? 20),
        ),
      }));
    },
    pickScan(_, { input }, ctx) {
      const fulfillmentId = id(input.fulfillmentId, 'fulfillmentId');
      return withUserErrors(async () =>
        payload(await svc(ctx).picking.scan(fulfillmentId, input.sku, input.quantity ?? 1)),
      );
    },
    pickConfirm(_, { input }, ctx) {
      const fulfillmentId = id(input.fulfillmentId, 'fulfillmentId');
      return withUserErrors(async () =>
        payload(await svc(ctx).picking.confirm(fulfillmentId, input.lines)),
      );
    },
    pickShort(_, { input }, ctx) {
      const fulfillmentId = id(input.fulfillmentId, 'fulfillmentId');
      return withUserErrors(async () => {
        const row = await svc(ctx).picking.short(
          fulfillmentId,
          input.sku,
          input.quantity,
          input.reason,
        );
        await svc(ctx).reassign(row);
        return payload(
          await svc(ctx)
            .fulfillmentsByIds([row.id])
            .then((r) => r[0]!),
        );
      });
    },
    fulfillmentPack(_, args, ctx) {
      const fulfillmentId = id(args.fulfillmentId, 'fulfillmentId');
      return withUserErrors(async () => payload(await svc(ctx).picking.pack(fulfillmentId)));
    },
    fulfillmentShip(_, { input }, ctx) {
      const fulfillmentId = id(input.fulfillmentId, 'fulfillmentId');
      return withUserErrors(async () => {
        const row = await svc(ctx).dispatch.ship(
          fulfillmentId,
          input.lines ?? null,
          input.weightGrams ?? null,
        );
        return payload(await svc(ctx).reassign(row));
      });
    },
    fulfillmentHold(_, { input }, ctx) {
      const fulfillmentId = id(input.fulfillmentId, 'fulfillmentId');
      return withUserErrors(async () =>
        payload(await svc(ctx).picking.hold(fulfillmentId, input.reason)),
      );
    },
    fulfillmentRelease(_, args, ctx) {
      const fulfillmentId = id(args.fulfillmentId, 'fulfillmentId');
      return withUserErrors(async () => payload(await svc(ctx).picking.release(fulfillmentId)));
    },
    warehouseCapacitySet(_, { input }, ctx) {
      const { warehouseId, ...capacity } = input;
      const warehouse = id(warehouseId, 'warehouseId');
      return withUserErrors(async () => ({
        capacity: toCapacity(await svc(ctx).setup.setCapacity(warehouse, capacity)),
      }));
    },
    binSet(_, { input }, ctx) {
      const warehouseId = id(input.warehouseId, 'warehouseId');
      return withUserErrors(async () => ({
        bin: toBin(await svc(ctx).setup.setBin(warehouseId, input.sku, input.location)),
      }));
    },
  },
  FulfillmentOrder: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      requireStaff(ctx.viewer);
      if (!isUuid(ref.id)) return null;
      const rows = await svc(ctx).fulfillmentOrdersByIds([ref.id.toLowerCase()]);
      return rows[0] ? toFulfillmentOrder(rows[0]) : null;
    },
    async lines(order, _, ctx) {
      const [lines, fulfillments] = await Promise.all([
        ctx.loaders.linesOfFulfillmentOrder.load(order.id),
        ctx.loaders.fulfillmentsOfOrder.load(order.orderId),
      ]);
      const parts = (
        await Promise.all(fulfillments.map((f) => ctx.loaders.linesOfFulfillment.load(f.id)))
      ).flatMap((partLines, i) => partLines.map((p) => ({ p, f: fulfillments[i]! })));
      const sum = (lineId: string, of: (p: FulfillmentLineRow, f: FulfillmentRow) => number) =>
        parts
          .filter(({ p }) => p.fulfillmentOrderLineId === lineId)
          .reduce((total, { p, f }) => total + of(p, f), 0);
      return lines.map((line) => ({
        sku: line.sku,
        variantId: line.variantId,
        quantity: line.quantity,
        assignedQuantity: sum(line.id, (p) => p.quantity - p.short),
        shippedQuantity: sum(line.id, (p, f) =>
          f.status === 'SHIPPED' || f.status === 'DELIVERED' ? p.picked : 0,
        ),
        backorderedQuantity: line.backordered,
        expectedAt: line.expectedAt,
      }));
    },
    async fulfillments(order, _, ctx) {
      return (await ctx.loaders.fulfillmentsOfOrder.load(order.orderId)).map(toFulfillment);
    },
  },
  Fulfillment: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      requireStaff(ctx.viewer);
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.fulfillmentById.load(ref.id.toLowerCase()).then(orNull(toFulfillment));
    },
    warehouse: (fulfillment) => ({ id: fulfillment.warehouseId }),
    async lines(fulfillment, _, ctx) {
      return (await linesOf(ctx, fulfillment)).map(({ line, bin }) => ({
        sku: line.sku,
        quantity: line.quantity,
        pickedQuantity: line.picked,
        shortQuantity: line.short,
        shortReason: line.shortReason,
        binLocation: bin,
      }));
    },
    async packingSlipPdf(fulfillment, _, ctx) {
      const [order] = await svc(ctx).fulfillmentOrdersByOrderIds([fulfillment.orderId]);
      const pdf = await renderPackingSlip({
        fulfillmentId: fulfillment.id,
        orderId: fulfillment.orderId,
        warehouseId: fulfillment.warehouseId,
        shipTo: order!.shipTo,
        lines: (await linesOf(ctx, fulfillment)).map(({ line, bin }) => ({
          sku: line.sku,
          quantity: line.quantity,
          picked: line.picked,
          bin,
        })),
        trackingNumber: fulfillment.trackingNumber,
        carrier: fulfillment.carrier,
      });
      return Buffer.from(pdf).toString('base64');
    },
  },
  PickList: {
    warehouse: (list) => ({ id: list.warehouseId }),
    async fulfillments(list, _, ctx) {
      return (await ctx.loaders.fulfillmentsOfPickList.load(list.id)).map(toFulfillment);
    },
    async items(list, _, ctx) {
      const fulfillments = (await ctx.loaders.fulfillmentsOfPickList.load(list.id)).map(
        toFulfillment,
      );
      const all = (await Promise.all(fulfillments.map((f) => linesOf(ctx, f)))).flat();
      const grouped = new Map<
        string,
        { binLocation: string | null; sku: string; quantity: number; pickedQuantity: number }
      >();
      for (const { line, bin } of all) {
        const key = `${bin ?? ''}|${line.sku}`;
        const item = grouped.get(key) ?? {
          binLocation: bin,
          sku: line.sku,
          quantity: 0,
          pickedQuantity: 0,
        };
        item.quantity += line.quantity - line.short;
        item.pickedQuantity += line.picked;
        grouped.set(key, item);
      }
      // The walk: bins in order (no bin last), then SKU.
      return [...grouped.values()].sort(
        (a, b) =>
          (a.binLocation === null ? 1 : 0) - (b.binLocation === null ? 1 : 0) ||
          (a.binLocation ?? '').localeCompare(b.binLocation ?? '') ||
          a.sku.localeCompare(b.sku),
      );
    },
  },
  WarehouseCapacity: { warehouse: (capacity) => ({ id: capacity.warehouseId }) },
  Bin: { warehouse: (bin) => ({ id: bin.warehouseId }) },
  Order: {
    /**
     * Orders decides who may read an order; fulfillment asks it (batched, with the
     * caller's identity and orders' grant), as payments does. Services and fulfillment
     * staff read every order's fulfillments.
     */
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      const orderId = ref.id.toLowerCase();
      if (isStaff(ctx.viewer)) return { id: orderId };
      const accessGrant = 'accessGrant' in ref ? (ref.accessGrant as string) : null;
      const readable = await ctx.loaders
        .orderReadable(ctx.viewer)
        .load({ id: orderId, accessGrant });
      return readable ? { id: orderId } : null;
    },
    async fulfillmentOrder(order, _, ctx) {
      return ctx.loaders.fulfillmentOrderOfOrder.load(order.id).then(orNull(toFulfillmentOrder));
    },
    async fulfillments(order, _, ctx) {
      return (await ctx.loaders.fulfillmentsOfOrder.load(order.id)).map(toFulfillment);
    },
  },
} satisfies Resolvers;
