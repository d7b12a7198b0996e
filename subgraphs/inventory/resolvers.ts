import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap';
import { requirePermission, requireService } from '../kit/authorization';
import type { SubgraphContext } from '../kit/context';
import { badInput, withUserErrors } from '../kit/errors';
import { isUuid, parseId } from '../kit/ids';
import { type Connection, type PageArgs, type PageRequest, parsePageArgs } from '../kit/pagination';
import type { InventoryItemRow, ReservationLineRow, ReservationRow, StockMovementRow, WarehouseRow } from './entities';
import type { InventoryChangedEvent } from './events';
import type { InventoryLoaders } from './loaders';
import { subscriptionField } from '../kit/live';
import type { InventoryService, StockAdjustInput, StockReceiveInput, StockReserveInput, WarehouseInput } from './service';

type Context = SubgraphContext<{ inventory: InventoryService }, InventoryLoaders>;
const PERMISSION = 'inventory:write';

/** GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. */
function toWarehouse(row: WarehouseRow) {
  return { id: row.id, code: row.code, name: row.name, countryCode: row.countryCode };
}

function toItem(row: InventoryItemRow) {
  const available = Math.max(0, row.onHand - row.reserved);
  return {
    id: row.id,
    sku: row.sku,
    warehouseId: row.warehouseId,
    onHand: row.onHand,
    reserved: row.reserved,
    available,
    lowStockThreshold: row.lowStockThreshold,
    lowStock: available < row.lowStockThreshold,
    updatedAt: row.updatedAt.toISOString(),
  };
}
type Item = ReturnType<typeof toItem>;

function toMovement(row: StockMovementRow) {
  return {
    id: row.id,
    kind: row.kind,
    onHandDelta: row.onHandDelta,
    reservedDelta: row.reservedDelta,
    reason: row.reason,
    reference: row.reference,
    createdAt: row.createdAt.toISOString(),
    inventoryItemId: row.inventoryItemId,
  };
}
type Movement = ReturnType<typeof toMovement>;

function toReservation(row: ReservationRow) {
  return { id: row.id, reference: row.reference, status: row.status, expiresAt: row.expiresAt?.toISOString() ?? null };
}
type Reservation = ReturnType<typeof toReservation>;

function toLine(row: ReservationLineRow) {
  return { sku: row.sku, warehouseId: row.warehouseId, quantity: row.quantity };
}
type Line = ReturnType<typeof toLine>;

/** The fields inventory adds to catalog's entities; `variants { sku }` comes from the router. */
interface Variant {
  sku: string;
}
interface Product {
  id: string;
  variants: Variant[];
}

const orNull = <T, R>(map: (row: T) => R) => (row: T | null) => (row ? map(row) : null);

function mapConnection<T, R>(connection: Connection<T>, map: (row: T) => R) {
  return { ...connection, edges: connection.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) })) };
}

/** Ledger cursors carry the movement's sequence number. */
function movementPage(args: PageArgs): PageRequest {
  const page = parsePageArgs(args, 1);
  if (page.after && !Number.isSafeInteger(page.after[0])) throw badInput('after is not a valid cursor', 'after');
  return page;
}

/** Low-stock cursors carry (sku, id). */
function lowStockPage(args: PageArgs): PageRequest {
  const page = parsePageArgs(args, 2);
  if (page.after && (typeof page.after[0] !== 'string' || !isUuid(page.after[1]))) {
    throw badInput('after is not a valid cursor', 'after');
  }
  return page;
}

function availableOf(items: InventoryItemRow[]): number {
  return items.reduce((sum, item) => sum + Math.max(0, item.onHand - item.reserved), 0);
}

/** The item as the change left it, straight from the event. */
function itemAfter(event: InventoryChangedEvent) {
  return toItem({
    id: event.itemId,
    sku: event.sku,
    warehouseId: event.warehouseId,
    onHand: event.onHand,
    reserved: event.reserved,
    lowStockThreshold: event.lowStockThreshold,
    updatedAt: new Date(event.updatedAt),
  } as InventoryItemRow);
}

export const inventoryResolvers: GraphQLResolverMap<Context> = {
  Subscription: {
    inventoryChanged: subscriptionField(
      (args: { sku: string; warehouseId?: string | null }, ctx: Context) =>
        ctx.services.inventory.watch(args.sku, args.warehouseId ? parseId(args.warehouseId, 'warehouseId') : null),
      (event: InventoryChangedEvent) => itemAfter(event),
    ),
  },
  Query: {
    async warehouses(_: unknown, __: unknown, ctx: Context) {
      return (await ctx.services.inventory.allWarehouses()).map(toWarehouse);
    },
    async inventoryItem(_: unknown, args: { id: string }, ctx: Context) {
      return ctx.loaders.itemById.load(parseId(args.id, 'id')).then(orNull(toItem));
    },
    async inventoryItems(_: unknown, args: { sku: string }, ctx: Context) {
      return (await ctx.loaders.itemsBySku.load(args.sku)).map(toItem);
    },
    async stockMovements(_: unknown, args: PageArgs & { sku: string }, ctx: Context) {
      const connection = await ctx.services.inventory.listMovements({ sku: args.sku }, movementPage(args));
      return mapConnection(connection, toMovement);
    },
    async lowStockItems(_: unknown, args: PageArgs, ctx: Context) {
      return mapConnection(await ctx.services.inventory.listLowStockItems(lowStockPage(args)), toItem);
    },
    async reservation(_: unknown, args: { id: string }, ctx: Context) {
      return ctx.loaders.reservationById.load(parseId(args.id, 'id')).then(orNull(toReservation));
    },
  },
  Mutation: {
    warehouseCreate(_: unknown, { input }: { input: WarehouseInput }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      return withUserErrors(async () => ({ warehouse: toWarehouse(await ctx.services.inventory.createWarehouse(input)) }));
    },
    stockReceive(_: unknown, { input }: { input: StockReceiveInput }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      const warehouseId = parseId(input.warehouseId, 'warehouseId');
      return withUserErrors(async () => {
        const change = await ctx.services.inventory.receiveStock({ ...input, warehouseId });
        return { inventoryItem: toItem(change.item), movement: toMovement(change.movement) };
      });
    },
    stockAdjust(_: unknown, { input }: { input: StockAdjustInput }, ctx: Context) {
      requirePermission(ctx.viewer, PERMISSION);
      const warehouseId = parseId(input.warehouseId, 'warehouseId');
      return withUserErrors(async () => {
        const change = await ctx.services.inventory.adjustStock({ ...input, warehouseId });
        return { inventoryItem: toItem(change.item), movement: toMovement(change.movement) };
      });
    },
    stockReserve(_: unknown, { input }: { input: StockReserveInput }, ctx: Context) {
      requireService(ctx.viewer);
      return withUserErrors(async () => ({ reservation: toReservation(await ctx.services.inventory.reserve(input)) }));
    },
    reservationCommit(_: unknown, args: { id: string }, ctx: Context) {
      requireService(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        reservation: toReservation(await ctx.services.inventory.commitReservation(id)),
      }));
    },
    reservationRelease(_: unknown, args: { id: string }, ctx: Context) {
      requireService(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        reservation: toReservation(await ctx.services.inventory.releaseReservation(id)),
      }));
    },
    reservationFulfill(_: unknown, args: { id: string }, ctx: Context) {
      requireService(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        reservation: toReservation(await ctx.services.inventory.fulfillReservation(id)),
      }));
    },
  },
  Warehouse: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.warehouseById.load(ref.id.toLowerCase()).then(orNull(toWarehouse));
    },
  },
  InventoryItem: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.itemById.load(ref.id.toLowerCase()).then(orNull(toItem));
    },
    warehouse(item: Item, _: unknown, ctx: Context) {
      return ctx.loaders.warehouseById.load(item.warehouseId).then(orNull(toWarehouse));
    },
    async movements(item: Item, args: PageArgs, ctx: Context) {
      const connection = await ctx.services.inventory.listMovements({ inventoryItemId: item.id }, movementPage(args));
      return mapConnection(connection, toMovement);
    },
  },
  StockMovement: {
    inventoryItem(movement: Movement, _: unknown, ctx: Context) {
      return ctx.loaders.itemById.load(movement.inventoryItemId).then(orNull(toItem));
    },
  },
  Reservation: {
    async lines(reservation: Reservation, _: unknown, ctx: Context) {
      return (await ctx.loaders.linesOfReservation.load(reservation.id)).map(toLine);
    },
  },
  ReservationLine: {
    warehouse(line: Line, _: unknown, ctx: Context) {
      return ctx.loaders.warehouseById.load(line.warehouseId).then(orNull(toWarehouse));
    },
  },
  ProductVariant: {
    __resolveReference(ref: { sku?: unknown }) {
      // Any SKU has a stock level (0 when no warehouse carries it): no lookup needed here.
      return typeof ref.sku === 'string' ? { sku: ref.sku } : null;
    },
    async availableQuantity(variant: Variant, _: unknown, ctx: Context) {
      return availableOf(await ctx.loaders.itemsBySku.load(variant.sku));
    },
    async inventoryItems(variant: Variant, _: unknown, ctx: Context) {
      return (await ctx.loaders.itemsBySku.load(variant.sku)).map(toItem);
    },
  },
  Product: {
    __resolveReference(ref: { id: unknown; variants?: { sku?: unknown }[] | null }) {
      if (!isUuid(ref.id)) return null;
      const variants = (ref.variants ?? []).filter((v): v is Variant => typeof v?.sku === 'string');
      return { id: ref.id, variants };
    },
    async availability(product: Product, _: unknown, ctx: Context) {
      const skus = [...new Set((product.variants ?? []).map((v) => v.sku))];
      const itemsPerSku = await Promise.all(skus.map((sku) => ctx.loaders.itemsBySku.load(sku)));
      let availableQuantity = 0;
      let lowStock = false;
      for (const items of itemsPerSku) {
        const available = availableOf(items);
        const threshold = Math.max(0, ...items.map((item) => item.lowStockThreshold));
        availableQuantity += available;
        if (available > 0 && available < threshold) lowStock = true;
      }
      return { availableQuantity, inStock: availableQuantity > 0, lowStock };
    },
  },
};
