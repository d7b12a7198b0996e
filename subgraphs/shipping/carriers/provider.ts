import type { ParcelValue, ShippingAddress, ShipmentStatus } from '../entities';

export interface LabelRequest {
  reference: string;
  from: ShippingAddress;
  to: ShippingAddress;
  parcels: ParcelValue[];
  weightGrams: number;
}

export interface PurchasedLabel {
  trackingNumber: string;
  pdf: Buffer;
}

export type CarrierResult<T> =
  { ok: true; value: T } | { ok: false; code: string; message: string };

/** What a carrier's API offers; the sandbox adapter is the only one today. */
export interface CarrierProvider {
  readonly name: string;
  purchaseLabel(request: LabelRequest): Promise<CarrierResult<PurchasedLabel>>;
  purchaseReturnLabel(request: LabelRequest): Promise<CarrierResult<PurchasedLabel>>;
  /** The carrier's view of a parcel, as its tracking API answers. */
  track(trackingNumber: string): Promise<{ status: ShipmentStatus } | null>;
}
