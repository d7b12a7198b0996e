import type { DraftLineValue, DraftOrderRow } from '../entities';
import type { DraftOrder, DraftOrderLine, ModelFields } from '../generated/resolvers-types';
import { money } from './models';

/** A draft as GraphQL shows it; its cost, lines' prices and order are resolved on demand. */
export type DraftOrderModel = ModelFields<DraftOrder, 'cost' | 'order' | 'lines'> & {
  row: DraftOrderRow;
};
export type DraftOrderLineModel = ModelFields<DraftOrderLine, 'unitPrice'> & {
  draft: DraftOrderRow;
  variantId: string;
};

export function toDraftOrder(row: DraftOrderRow): DraftOrderModel {
  return {
    row,
    id: row.id,
    status: row.status,
    email: row.email,
    customerId: row.customerId,
    currency: row.currency,
    shippingAddress: row.shippingAddress,
    shippingMethodId: row.shippingMethodId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toDraftLine(line: DraftLineValue, draft: DraftOrderRow): DraftOrderLineModel {
  return {
    draft,
    variantId: line.variantId,
    variant: { __typename: 'ProductVariant' as const, id: line.variantId },
    sku: line.sku,
    productName: line.productName,
    variantTitle: line.variantTitle,
    quantity: line.quantity,
    priceOverride: line.priceOverride && {
      amount: money(line.priceOverride.amount, draft.currency),
      reason: line.priceOverride.reason,
    },
  };
}
