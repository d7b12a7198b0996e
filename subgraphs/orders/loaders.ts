import DataLoader from 'dataloader';
import type { UserError } from '../../platform/errors';
import { DomainError, toUserError } from '../../platform/errors';
import { UpstreamError } from '../../platform/service-client';
import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import { homeCountry, type CartQuote } from './domain/cart-quote';
import type { CartLineRow, CartRow } from './entities';
import type { OrdersServices } from './service';

export interface CostRequest {
  cart: CartRow;
  lines: CartLineRow[];
  countryCode: string | null;
  region: string | null;
  /** The buyer's method (a cost argument); null: the default method. */
  shippingMethodId: string | null;
}

/** A cart's cost, or why it cannot be priced (a variant without a price, say). */
export type CartCostResult = {
  quote: CartQuote | null;
  error: (UserError & { dependency?: string }) | null;
};

export function createOrdersLoaders({
  carts,
  orders,
  quoter,
  segmentsOf,
  changesOfOrders,
  parcelsOfOrders,
}: OrdersServices) {
  const asked = quoter.requestAnswers();
  return {
    /** Catalog's and pricing's answers within this request (cartCreate's checks, then the cost). */
    asked,
    changesOfOrder: loaderOfMany(changesOfOrders, (c) => c.orderId),
    parcelsOfOrder: loaderOfMany(parcelsOfOrders, (p) => p.orderId),
    cartById: loaderByKey(
      (ids: readonly string[]) => carts.cartsByIds(ids),
      (c) => c.id,
    ),
    linesOfCart: loaderOfMany(
      (ids: readonly string[]) => carts.linesOfCarts(ids),
      (l) => l.cartId,
    ),
    orderById: loaderByKey(
      (ids: readonly string[]) => orders.ordersByIds(ids),
      (o) => o.id,
    ),
    linesOfOrder: loaderOfMany(
      (ids: readonly string[]) => orders.linesOfOrders(ids),
      (l) => l.orderId,
    ),
    statusHistoryOfOrder: loaderOfMany(
      (ids: readonly string[]) => orders.statusHistoryOfOrders(ids),
      (c) => c.orderId,
    ),
    /** One quote per cart and destination per request, however many fields read it. */
    cartCost: new DataLoader<CostRequest, CartCostResult, string>(
      (requests) =>
        Promise.all(
          requests.map(async ({ cart, lines, countryCode, region, shippingMethodId }) => {
            if (lines.length === 0) return { quote: null, error: null };
            try {
              const quote = await quoter.quote({
                currency: cart.currency,
                lines: lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
                country: countryCode ?? homeCountry(cart.currency),
                region,
                shippingMethodId,
                couponCodes: cart.discountCodes,
                // The cart's customer's segments, so segment promotions show before checkout.
                customerSegments: cart.customerId ? await segmentsOf(cart.customerId) : [],
                asked,
              });
              return { quote, error: null };
            } catch (error) {
              if (error instanceof UpstreamError) {
                return { quote: null, error: { ...toUserError(error), dependency: error.service } };
              }
              if (error instanceof DomainError) return { quote: null, error: toUserError(error) };
              throw error;
            }
          }),
        ),
      {
        cacheKeyFn: (r) =>
          `${r.cart.id}|${r.countryCode ?? ''}|${r.region ?? ''}|${r.shippingMethodId ?? ''}`,
      },
    ),
  };
}

export type OrdersLoaders = ReturnType<typeof createOrdersLoaders>;
