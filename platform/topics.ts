import type { ShipToAddress } from './ship-to';

/**
 * Topics that cross domains. Any domain whose change alters what an order looks like
 * (orders itself, payments, later shipping) announces it here; orders' `orderUpdated`
 * subscription listens, and the router fetches every subgraph's fields for each event.
 */
export function orderUpdatedTopic(orderId: string): string {
  return `order.updated.${orderId}`;
}

export interface OrderUpdatedEvent {
  orderId: string;
  /** Set when orders itself changed the status: the status that change left. */
  status?: string;
  source: string;
  eventId?: string;
}

/**
 * Orders, when an order is CONFIRMED (its payment captured): fulfillment creates the
 * fulfillment order from it. Recorded in the transaction of the status change.
 */
export const ORDER_CONFIRMED_TOPIC = 'orders.order.confirmed';

export interface OrderConfirmedEvent {
  orderId: string;
  /** The order's number as the buyer sees it (notifications mail it); absent in older events. */
  number?: number;
  customerId: string | null;
  /** The order's contact address (also a guest's), which notifications mails; absent in older events. */
  email?: string;
  currency: string;
  /** Inventory's hold for the order, which fulfillment moves and ships. */
  reservationId: string;
  shippingAddress: ShipToAddress;
  /**
   * The method the buyer chose (shipping's method id, its name, kind and carrier) and what
   * it was charged, in minor units of `currency`; null for orders placed before methods.
   */
  shippingMethod?: {
    methodId: string;
    name: string;
    kind: string;
    carrier: string;
    amount: number;
  } | null;
  lines: { lineId: string; variantId: string; sku: string; quantity: number }[];
  /** What the order costs in minor units of `currency` (loyalty earns on it); absent in older events. */
  totalAmount?: number;
  /**
   * How it is paid: loyalty's POINTS and GIFT_CARD tenders and the CARD (or other method)
   * for the rest; absent in older events (all by card).
   */
  tenders?: OrderTender[];
  eventId?: string;
}

export interface OrderTender {
  kind: 'CARD' | 'POINTS' | 'GIFT_CARD' | 'BANK_TRANSFER' | 'CASH_ON_DELIVERY';
  amount: number;
  /** Points redeemed (POINTS) or the gift card's last four characters (GIFT_CARD). */
  points?: number;
  last4?: string;
}

/**
 * Payments, whenever a payment's state changes (authorization, capture, void, refund,
 * from staff, orders or a provider webhook): orders applies it to the order's status, so
 * a payment voided or captured directly never leaves its order behind.
 */
export const PAYMENT_CHANGED_TOPIC = 'payments.payment.changed';

export interface PaymentChangedEvent {
  paymentId: string;
  orderId: string;
  status: string;
  currency: string;
  /** Integer minor units: authorized, captured and refunded so far. */
  amount: number;
  capturedAmount: number;
  refundedAmount: number;
  /**
   * Who asked for the change: `orders` (its own steps, which move the order themselves),
   * `staff`, `provider` (a webhook), `reconciler`...
   */
  changedBy: string;
  eventId?: string;
}

/**
 * Orders, when staff moved an order by hand (`orderFulfill`, `orderMarkDelivered`): the
 * goods left, or arrived, outside the warehouse flow. Fulfillment stops working on the
 * order and marks what it had not shipped as shipped (or delivered) by staff's word.
 */
export const ORDER_OVERRIDDEN_TOPIC = 'orders.order.overridden';

export interface OrderOverriddenEvent {
  orderId: string;
  status: 'FULFILLED' | 'DELIVERED';
  eventId?: string;
}

/** Fulfillment, when every line of an order has shipped: orders moves it to FULFILLED. */
export const ORDER_SHIPPED_TOPIC = 'fulfillment.order.shipped';
/** Fulfillment, when every shipment of an order was delivered: orders moves it to DELIVERED. */
export const ORDER_DELIVERED_TOPIC = 'fulfillment.order.delivered';

export interface OrderFulfillmentEvent {
  orderId: string;
  fulfillmentIds: string[];
  /** Shipping's shipments of those fulfillments (return labels are bought against them). */
  shipmentIds?: string[];
  eventId?: string;
}

/**
 * Shipping, when the carrier reports a shipment delivered. Fulfillment consumes it (the
 * order is DELIVERED once every fulfillment is); `fulfillmentId` is the fulfillment the
 * shipment was bought for, when known.
 */
export const SHIPMENT_DELIVERED_TOPIC = 'shipping.shipment.delivered';

export interface ShipmentDeliveredEvent {
  orderId: string;
  shipmentId: string;
  fulfillmentId?: string | null;
  trackingNumber?: string | null;
  deliveredAt?: string;
  eventId?: string;
}

/**
 * Orders, when staff record a return as received: the items in good condition (RESTOCK),
 * which inventory puts back on the shelf with a RETURN ledger row, once per `itemKey`.
 */
export const ORDER_RETURN_RECEIVED_TOPIC = 'orders.return.received';

export interface OrderReturnReceivedEvent {
  returnId: string;
  orderId: string;
  /** Inventory's hold of the order: the warehouse it took a SKU from takes it back. */
  reservationId: string | null;
  items: { itemKey: string; sku: string; quantity: number }[];
  eventId?: string;
}

/**
 * Orders, whenever a committed change (edit, return, exchange, claim) bumps an order's
 * version: what the order now asks to be delivered. Recorded in the transaction of the
 * change. A snapshot, not a delta, so fulfillment applies each version once and an older
 * version never overwrites a newer one (it keeps the version it applied).
 */
export const ORDER_CHANGED_TOPIC = 'orders.order.changed';

export interface OrderChangedEvent {
  orderId: string;
  changeId: string;
  kind: 'EDIT' | 'RETURN' | 'EXCHANGE' | 'CLAIM';
  /** The order's version after the change (1 is the order as confirmed). */
  version: number;
  reservationId: string;
  shippingAddress: OrderConfirmedEvent['shippingAddress'];
  shippingMethod: { methodId: string; name: string; kind: string; carrier: string } | null;
  /**
   * Every line the order delivers, with its units (an exchange's or a reship's goods are
   * lines of their own); a line left out was removed.
   */
  lines: { lineId: string; variantId: string; sku: string; quantity: number }[];
  /**
   * Parcels (fulfillment ids) a claim reported LOST in transit: they will never arrive, so
   * the order is delivered once the rest (the reship included) is.
   */
  lostFulfillmentIds?: string[];
  eventId?: string;
}

/**
 * Fulfillment, per parcel: one fulfillment shipped (with its shipment) or delivered, and
 * the order lines it carried. Orders keeps each line's shipped and delivered units from
 * them: a shipped line is not edited, a delivered one may be returned, and its return
 * label is bought against the shipment that carried it.
 */
export const PARCEL_SHIPPED_TOPIC = 'fulfillment.parcel.shipped';
export const PARCEL_DELIVERED_TOPIC = 'fulfillment.parcel.delivered';

export interface ParcelEvent {
  orderId: string;
  fulfillmentId: string;
  shipmentId: string | null;
  /** Order lines (orders' ids) and the units of each in this parcel. */
  lines: { lineId: string; sku: string; quantity: number }[];
  eventId?: string;
}

/**
 * Identity, when staff revoke an app (its key and every token of it stop working):
 * webhooks stops sending to the app's endpoints. Recorded in the revocation's transaction.
 */
export const APP_REVOKED_TOPIC = 'identity.app.revoked';

export interface AppRevokedEvent {
  appId: string;
}
