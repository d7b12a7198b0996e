import { DomainError } from '../../../platform/errors';
import type { ShippingOption, VariantInfo } from '../clients/index';
import { OrdersErrorCode } from '../errors';

/**
 * Which shipping method a cart is priced for, apart from I/O. Options come from the
 * shipping subgraph, cheapest first.
 */

/** Where the refusals point: the cart cost's arguments, or checkout's input. */
export interface ShippingFields {
  destination: string[];
  method: string[];
}

export const COST_FIELDS: ShippingFields = {
  destination: ['countryCode'],
  method: ['shippingMethodId'],
};

/**
 * The buyer's method, or the default: the cheapest STANDARD option (door delivery, what a
 * shop shows preselected), else the cheapest option. Not a pickup or local pickup: those
 * need the buyer to pick a place, so they are chosen, never defaulted to unless alone.
 */
export function chooseShipping(
  options: readonly ShippingOption[],
  methodId: string | null | undefined,
  fields: ShippingFields,
): ShippingOption {
  if (options.length === 0) {
    throw new DomainError(
      OrdersErrorCode.SHIPPING_UNAVAILABLE,
      'No shipping method serves this destination in this currency',
      fields.destination,
    );
  }
  if (methodId) {
    const chosen = options.find((o) => o.method.id === methodId.toLowerCase());
    if (!chosen) {
      throw new DomainError(
        OrdersErrorCode.SHIPPING_METHOD_UNAVAILABLE,
        'That shipping method does not serve this destination; pick one of shippingOptions',
        fields.method,
      );
    }
    return chosen;
  }
  return options.find((o) => o.method.kind === 'STANDARD') ?? options[0]!;
}

/** A cart's measures for shipping's rate bands. */
export interface CartMeasures {
  itemCount: number;
  /** Null when a variant has no weight yet: shipping then leaves weight-banded methods out. */
  weightGrams: number | null;
}

export function measuresOf(
  lines: readonly { variantId: string; quantity: number }[],
  variants: ReadonlyMap<string, VariantInfo>,
): CartMeasures {
  let weightGrams: number | null = 0;
  let itemCount = 0;
  for (const line of lines) {
    itemCount += line.quantity;
    const weight = variants.get(line.variantId)?.weightGrams ?? null;
    weightGrams =
      weight === null || weightGrams === null ? null : weightGrams + weight * line.quantity;
  }
  return { itemCount, weightGrams: weightGrams || null };
}
