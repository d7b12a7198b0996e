import type { ShipTo } from '../entities';

/**
 * What fulfillment needs from the outside, as interfaces: shipping buys labels, location
 * knows distances. adapters.ts wires them to those subgraphs (index.ts); the local
 * distance here is the fallback while location cannot answer.
 */

export interface LabelRequest {
  fulfillmentId: string;
  orderId: string;
  warehouseId: string;
  shipTo: ShipTo;
  lines: { sku: string; quantity: number }[];
  /** The parcel's weight from the packer's scale; estimated from the units when absent. */
  weightGrams?: number | null;
  /** The carrier of the method the buyer chose; the configured default when absent. */
  carrier?: string | null;
}

export interface PurchasedLabel {
  carrier: string;
  trackingNumber: string;
  /** The shipment shipping created; its delivery event names it. */
  shipmentId: string;
}

/** Buys the label for one fulfillment. Idempotent by `fulfillmentId`: a retry returns the first label. */
export interface LabelPurchaser {
  purchase(request: LabelRequest): Promise<PurchasedLabel>;
}

/** The label purchase failed for a reason a warehouse worker can act on (address, carrier down). */
export class LabelPurchaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelPurchaseError';
  }
}

export interface Place {
  country: string;
  region?: string | null;
}

/** How far a destination is from each warehouse (one answer per `from`); only the order matters. */
export interface DistanceOracle {
  distances(from: Place[], to: Place): Promise<number[]>;
}

/**
 * Without location (it is down, or not configured): same region 0, same country 1,
 * anywhere else 2. Coarse, but it keeps a German order in a German warehouse.
 */
export class CountryRegionDistance implements DistanceOracle {
  async distances(from: Place[], to: Place): Promise<number[]> {
    return from.map((place) => {
      if (place.country.toUpperCase() !== to.country.toUpperCase()) return 2;
      if (place.region && to.region && place.region.toUpperCase() === to.region.toUpperCase())
        return 0;
      return 1;
    });
  }
}
