/**
 * Where an order goes, as orders stores it, announces it in its events and fulfillment
 * prints it on labels: the validated postal address (platform/validation.ts
 * `postalAddress`) reduced to what a parcel needs.
 */
export interface ShipToAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  region?: string | null;
  country: string;
  phone?: string | null;
}
