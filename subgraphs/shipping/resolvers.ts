import { z } from 'zod';
import { hasPermission } from '../../platform/authorization';
import type { SubgraphContext } from '../../platform/context';
import { DomainError, withUserErrors } from '../../platform/errors';
import type { Viewer } from '../../platform/identity';
import { isUuid, parseId } from '../../platform/ids';
import { orNull } from '../../platform/loaders';
import { countryCode, parseInput, text } from '../../platform/validation';
import type { MethodRow, ReturnLabelRow, ShipmentRow, ZoneRow } from './entities';
import { ShippingErrorCode as E } from './errors';
import type {
  ModelFields,
  Order,
  Resolvers,
  Shipment,
  ShippingMethod,
  ShippingZone,
} from './generated/resolvers-types';
import type { ShippingLoaders } from './loaders';
import type { OrdersGateway } from './orders-gateway';
import type { ShippingService } from './service';

export type Context = SubgraphContext<
  { shipping: ShippingService; orders: OrdersGateway },
  ShippingLoaders
>;
const MANAGE = 'shipping:manage';

export type ZoneModel = ModelFields<ShippingZone, 'methods'>;
export type MethodModel = ModelFields<ShippingMethod>;
export type ShipmentModel = ModelFields<Shipment, 'trackingEvents' | 'returnLabels' | 'labelUrl'>;
export type OrderModel = ModelFields<Order, 'shipments' | 'accessGrant'>;

const toZone = (row: ZoneRow): ZoneModel => ({
  id: row.id,
  name: row.name,
  countries: row.countries,
  regions: row.regions,
});

const toMethod = (row: MethodRow): MethodModel => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  carrier: row.carrier,
  basis: row.basis,
  rates: row.rates.map((b) => ({
    currency: b.currency,
    from: b.from,
    to: b.to,
    price: { amount: b.price, currency: b.currency },
    freeOver: b.freeOver === null ? null : { amount: b.freeOver, currency: b.currency },
  })),
});

const toShipment = (row: ShipmentRow): ShipmentModel => ({
  id: row.id,
  orderId: row.orderId,
  carrier: row.carrier,
  trackingNumber: row.trackingNumber,
  status: row.status,
  weightGrams: row.weightGrams,
  createdAt: row.createdAt.toISOString(),
});

const address = z.object({
  name: text(200),
  line1: text(200),
  line2: text(200, { min: 0 }).nullish(),
  city: text(100),
  region: text(100, { min: 0 }).nullish(),
  postalCode: text(16),
  country: z.string().toUpperCase().pipe(countryCode),
});

const shipmentInput = z.object({
  orderId: z.string().uuid(),
  idempotencyKey: text(200),
  fromAddress: address,
  toAddress: address,
  parcels: z
    .array(
      z.object({
        weightGrams: z.number().int(),
        lines: z.array(z.object({ sku: text(64), quantity: z.number().int().positive() })).max(500),
      }),
    )
    .min(1)
    .max(50),
  methodId: z.string().uuid().nullish(),
  carrier: text(64).nullish(),
});

function requireManager(viewer: Viewer): void {
  if (!hasPermission(viewer, MANAGE)) throw new DomainError('FORBIDDEN', 'shipping:manage needed');
}

export const shippingResolvers = {
  Query: {
    async shippingOptions(_, { input }, ctx) {
      const options = await ctx.services.shipping.options(input);
      return options.map((o) => ({
        method: toMethod(o.method),
        price: { amount: o.price, currency: o.currency },
        free: o.free,
      }));
    },
    async shippingZones(_, __, ctx) {
      return (await ctx.services.shipping.zones()).map(toZone);
    },
    async shipment(_, { id }, ctx) {
      return ctx.loaders.shipmentById.load(parseId(id, 'id')).then(orNull(toShipment));
    },
  },
  Mutation: {
    shipmentCreate: (_, { input }, ctx) =>
      withUserErrors(async () => {
        const parsed = parseInput(shipmentInput, input, ['input']);
        parsed.parcels.forEach((p, i) => {
          if (p.weightGrams <= 0)
            throw new DomainError(E.WEIGHT_INVALID, 'A parcel weighs more than 0 grams', [
              'input',
              'parcels',
              String(i),
              'weightGrams',
            ]);
        });
        const shipment = await ctx.services.shipping.createShipment(parsed);
        return { shipment: toShipment(shipment) };
      }),
    shipmentReturnLabelCreate: (_, { shipmentId, idempotencyKey }, ctx) =>
      withUserErrors(async () => {
        const id = parseId(shipmentId, 'shipmentId');
        const key = parseInput(text(200), idempotencyKey, ['idempotencyKey']);
        return {
          returnLabel: toReturnLabel(await ctx.services.shipping.createReturnLabel(id, key), ctx),
        };
      }),
  },
  ShippingZone: {
    async __resolveReference(ref, ctx) {
      requireManager(ctx.viewer);
      const zones = await ctx.services.shipping.zones();
      const zone = zones.find((z) => z.id === ref.id);
      return zone ? toZone(zone) : null;
    },
    async methods(zone, _, ctx) {
      return (await ctx.loaders.methodsOfZone.load(zone.id)).map(toMethod);
    },
  },
  // Methods and their prices are what a shop shows every visitor, like product prices.
  ShippingMethod: {
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.methodById.load(ref.id.toLowerCase()).then(orNull(toMethod));
    },
  },
  Shipment: {
    async __resolveReference(ref, ctx) {
      requireManager(ctx.viewer);
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.shipmentById.load(ref.id.toLowerCase()).then(orNull(toShipment));
    },
    labelUrl(shipment, _, ctx) {
      return ctx.services.shipping.labelPath(shipment.trackingNumber);
    },
    async trackingEvents(shipment, _, ctx) {
      return (await ctx.loaders.eventsOfShipment.load(shipment.id)).map((e) => ({
        status: e.status,
        description: e.description,
        occurredAt: e.occurredAt.toISOString(),
      }));
    },
    async returnLabels(shipment, _, ctx) {
      return (await ctx.loaders.returnLabelsOfShipment.load(shipment.id)).map((r) =>
        toReturnLabel(r, ctx),
      );
    },
  },
  Order: {
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      const id = ref.id.toLowerCase();
      if (ctx.viewer.kind === 'service' || hasPermission(ctx.viewer, MANAGE)) return { id };
      const accessGrant = 'accessGrant' in ref ? (ref.accessGrant ?? null) : null;
      const readable = await ctx.loaders.orderReadable(ctx.viewer).load({ id, accessGrant });
      return readable ? { id } : null;
    },
    async shipments(order, _, ctx) {
      return (await ctx.loaders.shipmentsOfOrder.load(order.id)).map(toShipment);
    },
  },
} satisfies Resolvers;

function toReturnLabel(row: ReturnLabelRow, ctx: Context) {
  return {
    id: row.id,
    trackingNumber: row.trackingNumber,
    labelUrl: ctx.services.shipping.labelPath(row.trackingNumber),
    createdAt: row.createdAt.toISOString(),
  };
}
