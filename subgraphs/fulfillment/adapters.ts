import { createLogger } from '../../platform/logging';
import { createServiceClient, UpstreamError } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import type { InventoryGateway } from './gateways';
import {
  CountryRegionDistance,
  type DistanceOracle,
  LabelPurchaseError,
  type LabelPurchaser,
  type LabelRequest,
  type Place,
  type PurchasedLabel,
} from './domain/ports';
import { FulfillmentDistancesDocument } from './generated/clients/location';
import { FulfillmentShipmentCreateDocument } from './generated/clients/shipping';

/**
 * The ports of domain/ports.ts wired to their owners: labels bought through shipping's
 * `shipmentCreate`, distances asked of location. Both signed as the fulfillment service
 * (a service holds shipping:manage; no customer or staff role gains anything by it).
 */

const log = createLogger('fulfillment');

/**
 * The carrier for orders without a chosen method (placed before methods existed), and the
 * weight per unit when the packer did not weigh.
 */
export interface ShippingLabelOptions {
  carrier: string;
  unitWeightGrams: number;
}

export class ShippingLabelPurchaser implements LabelPurchaser {
  constructor(
    private readonly urls: SubgraphUrls,
    private readonly inventory: InventoryGateway,
    private readonly options: ShippingLabelOptions,
  ) {}

  async purchase(request: LabelRequest): Promise<PurchasedLabel> {
    const from = await this.inventory.warehouseAddress(request.warehouseId);
    if (!from)
      throw new LabelPurchaseError(
        `Warehouse ${request.warehouseId} has no address to send the label from`,
      );
    const units = request.lines.reduce((sum, line) => sum + line.quantity, 0);
    const data = await createServiceClient('fulfillment', 'shipping', this.urls.shipping).execute(
      FulfillmentShipmentCreateDocument,
      {
        input: {
          orderId: request.orderId,
          // One label per fulfillment: shipping returns the first shipment for this key, so
          // a retry after a crash between the purchase and SHIPPED buys nothing twice.
          idempotencyKey: `fulfillment:${request.fulfillmentId}`,
          fromAddress: from,
          toAddress: {
            name: request.shipTo.name,
            line1: request.shipTo.line1,
            line2: request.shipTo.line2 ?? null,
            city: request.shipTo.city,
            region: request.shipTo.region ?? null,
            postalCode: request.shipTo.postalCode,
            country: request.shipTo.country,
          },
          parcels: [
            {
              weightGrams: request.weightGrams ?? units * this.options.unitWeightGrams,
              lines: request.lines,
            },
          ],
          // The buyer's method decides (express with UPS ships with UPS); the setting otherwise.
          carrier: request.carrier ?? this.options.carrier,
        },
      },
    );
    const { shipment, userErrors } = data.shipmentCreate;
    if (!shipment) {
      if (userErrors.some((e) => e.code === 'IDEMPOTENCY_KEY_REUSED'))
        throw new LabelPurchaseError(
          'A label was already bought for this fulfillment with another parcel: ship it with the same lines and weight',
        );
      // The carrier refused (CARRIER_LABEL_FAILED) or shipping found the request wrong:
      // nothing was bought, the fulfillment stays PACKED.
      throw new LabelPurchaseError(
        `Shipping refused the label: ${userErrors.map((e) => `${e.code} ${e.message}`).join('; ')}`,
      );
    }
    return {
      carrier: shipment.carrier,
      trackingNumber: shipment.trackingNumber,
      shipmentId: shipment.id,
    };
  }
}

/**
 * Distances from location (kilometres between country centroids); an unknown place is
 * farthest. Distance only ranks warehouses: while location is down, assignment goes on
 * with the coarse local ranking instead of waiting.
 */
export class LocationDistance implements DistanceOracle {
  private readonly fallback = new CountryRegionDistance();

  constructor(private readonly urls: SubgraphUrls) {}

  async distances(from: Place[], to: Place): Promise<number[]> {
    if (!from.length) return [];
    try {
      return await this.ask(from, to);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      log.warn('location unavailable; ranking warehouses by country and region', {
        error: error.message,
      });
      return this.fallback.distances(from, to);
    }
  }

  private async ask(from: Place[], to: Place): Promise<number[]> {
    const data = await createServiceClient('fulfillment', 'location', this.urls.location).execute(
      FulfillmentDistancesDocument,
      {
        from: from.map((p) => ({ country: p.country, region: p.region ?? null })),
        to: { country: to.country, region: to.region ?? null },
      },
    );
    return data.distances.map((km) => km ?? Number.MAX_SAFE_INTEGER);
  }
}
