import { orNull } from '../../platform/loaders';
import { requireService } from '../../platform/authorization';
import type { SubgraphContext } from '../../platform/context';
import { badInput, withUserErrors } from '../../platform/errors';
import { isUuid, parseId } from '../../platform/ids';
import {
  mapConnection,
  type PageArgs,
  type PageRequest,
  parsePageArgs,
} from '../../platform/pagination';
import { requireInventoryStaff } from './access';
import type {
  InventoryItemRow,
  ReservationLineRow,
  ReservationRow,
  StockMovementRow,
  WarehouseRow,
} from './entities';
import type { InventoryChangedEvent } from './events';
import { availableOf } from './domain/stock-reads';
import type {
  InventoryItem,
  ModelFields,
  Product,
  ProductVariant,
  Reservation,
  ReservationLine,
  Resolvers,
  StockMovement,
  Warehouse,
} from './generated/resolvers-types';
import type { InventoryLoaders } from './loaders';
import { subscriptionField, type SubscriptionFieldOptions } from '../../platform/live';
import type { InventoryServices } from './index';

export type Context = SubgraphContext<InventoryServices, InventoryLoaders>;

/**
 * GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. The
 * `…Model` types are the mappers of codegen.yml: generated/resolvers-types.ts types every
 * resolver's parent and result with them, and ModelFields ties them to the schema (a
 * field without a resolver must be in the model, with the schema's type).
 */
export type WarehouseModel = ModelFields<Warehouse>;
export type ItemModel = ModelFields<InventoryItem, 'warehouse' | 'movements'> & {
  warehouseId: string;
};
export type MovementModel = ModelFields<StockMovement, 'inventoryItem'> & {
  inventoryItemId: string;
};
export type ReservationModel = ModelFields<Reservation, 'lines' | 'backorders'>;
export type LineModel = ModelFields<ReservationLine, 'warehouse'> & { warehouseId: string };
/** The fields inventory adds to catalog's entities; `variants { sku }` comes from the router. */
export type VariantModel = ModelFields<
  ProductVariant,
  'availableQuantity' | 'inventoryItems' | 'backorder'
>;
export type ProductModel = ModelFields<Product, 'availability' | 'variants'> & {
  variants: VariantModel[];
};

function toWarehouse(row: WarehouseRow): WarehouseModel {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    countryCode: row.countryCode,
    regionCode: row.regionCode,
    address: row.address,
  };
}

function toItem(row: InventoryItemRow): ItemModel {
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

function toMovement(row: StockMovementRow): MovementModel {
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

function toReservation(row: ReservationRow): ReservationModel {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

function toLine(row: ReservationLineRow): LineModel {
  return { sku: row.sku, warehouseId: row.warehouseId, quantity: row.quantity };
}

/** Ledger cursors carry the movement's sequence number. */
function movementPage(args: PageArgs): PageRequest {
  const page = parsePageArgs(args, 1);
  if (page.after && !Number.isSafeInteger(page.after[0]))
    throw badInput('after is not a valid cursor', 'after');
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

/** A non-null field's row: its absence is a broken invariant, not a null to return. */
const must =
  <T, R>(map: (row: T) => R, what: string) =>
  (row: T | null) => {
    if (!row) throw new Error(`${what} is missing`);
    return map(row);
  };

/**
 * the platform's subscriptionField (fresh DataLoaders per event) with the event's GraphQL shape
 * kept: its own `resolve` returns `unknown`, which the generated types cannot check.
 */
function typedSubscription<Event, Args, Result>(
  subscribe: (
    args: Args,
    ctx: Context,
  ) => AsyncIterableIterator<Event> | Promise<AsyncIterableIterator<Event>>,
  resolve: (event: Event, args: Args, ctx: Context) => Result,
  options?: SubscriptionFieldOptions,
) {
  const field = subscriptionField(subscribe, resolve, options);
  return {
    subscribe: field.subscribe,
    resolve: (event: Event, args: Args, ctx: Context) => field.resolve(event, args, ctx) as Result,
  };
}

export const inventoryResolvers = {
  Subscription: {
    inventoryChanged: typedSubscription(
      (args: { sku: string; warehouseId?: string | null }, ctx: Context) =>
        ctx.services.inventory.reads.watch(
          args.sku,
          args.warehouseId ? parseId(args.warehouseId, 'warehouseId') : null,
        ),
      (event: InventoryChangedEvent) => itemAfter(event),
    ),
    // The sum is over every warehouse, whichever one the event was about: the current
    // state is read per subscriber, a change once for all of them.
    stockAvailabilityChanged: typedSubscription(
      (args: { sku: string }, ctx: Context) => ctx.services.inventory.reads.watch(args.sku, null),
      async (event: InventoryChangedEvent, args: { sku: string }, ctx: Context) => {
        const availableQuantity =
          event.kind === 'CURRENT' || !event.movementId
            ? availableOf(await ctx.loaders.itemsBySku.load(args.sku))
            : await ctx.services.inventory.reads.availableAfter(event);
        return { sku: args.sku, availableQuantity, inStock: availableQuantity > 0 };
      },
      { snapshots: true },
    ),
  },
  Query: {
    async warehouses(_, __, ctx) {
      return (await ctx.services.inventory.reads.allWarehouses()).map(toWarehouse);
    },
    async inventoryItem(_, args, ctx) {
      return ctx.loaders.itemById.load(parseId(args.id, 'id')).then(orNull(toItem));
    },
    async inventoryItems(_, args, ctx) {
      return (await ctx.loaders.itemsBySku.load(args.sku)).map(toItem);
    },
    async stockMovements(_, args, ctx) {
      const connection = await ctx.services.inventory.reads.listMovements(
        { sku: args.sku },
        movementPage(args),
      );
      return mapConnection(connection, toMovement);
    },
    async lowStockItems(_, args, ctx) {
      return mapConnection(
        await ctx.services.inventory.reads.listLowStockItems(lowStockPage(args)),
        toItem,
      );
    },
    async reservation(_, args, ctx) {
      return ctx.loaders.reservationById.load(parseId(args.id, 'id')).then(orNull(toReservation));
    },
  },
  Mutation: {
    warehouseCreate(_, { input }, ctx) {
      return withUserErrors(async () => ({
        warehouse: toWarehouse(await ctx.services.inventory.changes.createWarehouse(input)),
      }));
    },
    stockReceive(_, { input }, ctx) {
      const warehouseId = parseId(input.warehouseId, 'warehouseId');
      return withUserErrors(async () => {
        const change = await ctx.services.inventory.changes.receiveStock({ ...input, warehouseId });
        return { inventoryItem: toItem(change.item), movement: toMovement(change.movement) };
      });
    },
    stockAdjust(_, { input }, ctx) {
      const warehouseId = parseId(input.warehouseId, 'warehouseId');
      return withUserErrors(async () => {
        const change = await ctx.services.inventory.changes.adjustStock({ ...input, warehouseId });
        return { inventoryItem: toItem(change.item), movement: toMovement(change.movement) };
      });
    },
    stockReserve(_, { input }, ctx) {
      requireService(ctx.viewer);
      return withUserErrors(async () => ({
        reservation: toReservation(await ctx.services.inventory.reservations.reserve(input)),
      }));
    },
    reservationCommit(_, args, ctx) {
      requireService(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        reservation: toReservation(await ctx.services.inventory.reservations.commitReservation(id)),
      }));
    },
    reservationRelease(_, args, ctx) {
      requireService(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        reservation: toReservation(
          await ctx.services.inventory.reservations.releaseReservation(id),
        ),
      }));
    },
    reservationAllocate(_, { input }, ctx) {
      requireService(ctx.viewer);
      const id = parseId(input.id, 'id');
      const lines = input.lines.map((line, index) => ({
        ...line,
        warehouseId: parseId(line.warehouseId, `lines.${index}.warehouseId`),
      }));
      return withUserErrors(async () => ({
        reservation: toReservation(await ctx.services.inventory.allocation.allocate({ id, lines })),
      }));
    },
    reservationShip(_, { input }, ctx) {
      requireService(ctx.viewer);
      const id = parseId(input.id, 'id');
      const warehouseId = parseId(input.warehouseId, 'warehouseId');
      return withUserErrors(async () => ({
        reservation: toReservation(
          await ctx.services.inventory.allocation.ship({ ...input, id, warehouseId }),
        ),
      }));
    },
    backorderPolicySet(_, { input }, ctx) {
      return withUserErrors(async () => ({
        policy: await ctx.services.inventory.backorders.setPolicy(input),
      }));
    },
    reservationAdjust(_, { input }, ctx) {
      requireService(ctx.viewer);
      const id = parseId(input.id, 'id');
      return withUserErrors(async () => ({
        reservation: toReservation(
          await ctx.services.inventory.reservationChanges.adjust({ ...input, id }),
        ),
      }));
    },
    reservationFulfill(_, args, ctx) {
      requireService(ctx.viewer);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        reservation: toReservation(
          await ctx.services.inventory.reservations.fulfillReservation(id),
        ),
      }));
    },
  },
  Warehouse: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      requireInventoryStaff(ctx.viewer);
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.warehouseById.load(ref.id.toLowerCase()).then(orNull(toWarehouse));
    },
  },
  InventoryItem: {
    async __resolveReference(ref: { id: string }, ctx: Context) {
      requireInventoryStaff(ctx.viewer);
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.itemById.load(ref.id.toLowerCase()).then(orNull(toItem));
    },
    warehouse(item, _, ctx) {
      return ctx.loaders.warehouseById
        .load(item.warehouseId)
        .then(must(toWarehouse, `Warehouse ${item.warehouseId}`));
    },
    async movements(item, args, ctx) {
      const connection = await ctx.services.inventory.reads.listMovements(
        { inventoryItemId: item.id },
        movementPage(args),
      );
      return mapConnection(connection, toMovement);
    },
  },
  StockMovement: {
    inventoryItem(movement, _, ctx) {
      return ctx.loaders.itemById
        .load(movement.inventoryItemId)
        .then(must(toItem, `Inventory item ${movement.inventoryItemId}`));
    },
  },
  Reservation: {
    async lines(reservation, _, ctx) {
      return (await ctx.loaders.linesOfReservation.load(reservation.id)).map(toLine);
    },
    async backorders(reservation, _, ctx) {
      return ctx.loaders.backordersOfReservation.load(reservation.id);
    },
  },
  ReservationLine: {
    warehouse(line, _, ctx) {
      return ctx.loaders.warehouseById
        .load(line.warehouseId)
        .then(must(toWarehouse, `Warehouse ${line.warehouseId}`));
    },
  },
  ProductVariant: {
    __resolveReference(ref: { sku?: unknown }) {
      // Any SKU has a stock level (0 when no warehouse carries it): no lookup needed here.
      // Who may read which field is the SDL's: availableQuantity is public, items staff's.
      return typeof ref.sku === 'string' ? { sku: ref.sku } : null;
    },
    async availableQuantity(variant, _, ctx) {
      return availableOf(await ctx.loaders.itemsBySku.load(variant.sku));
    },
    async inventoryItems(variant, _, ctx) {
      return (await ctx.loaders.itemsBySku.load(variant.sku)).map(toItem);
    },
    async backorder(variant, _, ctx) {
      return ctx.loaders.backorderPolicyBySku.load(variant.sku);
    },
  },
  Product: {
    __resolveReference(ref: { id: unknown; variants?: { sku?: unknown }[] | null }) {
      if (!isUuid(ref.id)) return null;
      const variants = (ref.variants ?? []).filter(
        (v): v is VariantModel => typeof v?.sku === 'string',
      );
      return { id: ref.id, variants };
    },
    async availability(product, _, ctx) {
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
} satisfies Resolvers;
