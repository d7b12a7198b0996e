import type { SubgraphContext } from '../../../platform/context';
import type {
  AppliedDiscountValue,
  CartLineRow,
  CartRow,
  OrderLineRow,
  OrderRow,
  OrderStatusChangeRow,
} from '../entities';
import { tendersOf } from '../entities';
import type { Cart, CartLine, Customer, ModelFields, Order } from '../generated/resolvers-types';
import type { OrdersLoaders } from '../loaders';
import type { OrdersServices } from '../service';

export type Context = SubgraphContext<OrdersServices, OrdersLoaders>;

/**
 * GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. The
 * `…Model` types are the mappers of codegen.yml: generated/resolvers-types.ts types every
 * resolver's parent and result with them, and ModelFields ties them to the schema (a
 * field without a resolver must be in the model, with the schema's type).
 */
export type CartModel = ModelFields<Cart, 'lines' | 'totalQuantity' | 'cost' | 'shippingOptions'>;
export type CartLineModel = ModelFields<CartLine, 'cost'> & { variantId: string; cartId: string };
export type OrderModel = ModelFields<
  Order,
  'lines' | 'statusHistory' | 'accessGrant' | 'changes'
> & {
  currency: string;
};
export type CustomerModel = ModelFields<Customer, 'orders'>;

export const money = (amount: number, currency: string) => ({ amount, currency });

export function toCart(row: CartRow): CartModel {
  return {
    id: row.id,
    currency: row.currency,
    discountCodes: row.discountCodes,
    checkedOut: row.status === 'CHECKED_OUT',
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function lineBasics(row: CartLineRow | OrderLineRow) {
  return {
    id: row.id,
    variant: { __typename: 'ProductVariant' as const, id: row.variantId },
    sku: row.sku,
    productName: row.productName,
    variantTitle: row.variantTitle,
    quantity: row.quantity,
  };
}

export function toCartLine(row: CartLineRow, cart: CartModel): CartLineModel {
  return { ...lineBasics(row), variantId: row.variantId, cartId: cart.id };
}

export function toOrderLine(row: OrderLineRow, currency: string) {
  return {
    ...lineBasics(row),
    unitPrice: money(row.unitPriceAmount, currency),
    discount: money(row.discountAmount, currency),
    tax: money(row.taxAmount, currency),
    lineTotal: money(row.lineTotalAmount, currency),
  };
}

export function toDiscounts(applied: AppliedDiscountValue[], currency: string) {
  return applied.map((d) => ({ name: d.name, code: d.code, amount: money(d.amount, currency) }));
}

export function toOrder(row: OrderRow): OrderModel {
  const c = row.currency;
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    email: row.email,
    currency: c,
    subtotal: money(row.subtotalAmount, c),
    discountTotal: money(row.discountTotalAmount, c),
    discounts: toDiscounts(row.discounts, c),
    discountCodes: row.discountCodes,
    shipping: money(row.shippingAmount, c),
    shippingMethod: row.shippingMethod && {
      methodId: row.shippingMethod.methodId,
      name: row.shippingMethod.name,
      carrier: row.shippingMethod.carrier,
      amount: money(row.shippingAmount, c),
    },
    tax: money(row.taxTotalAmount, c),
    taxInclusive: row.taxInclusive,
    total: money(row.totalAmount, c),
    tenders: tendersOf(row).map((t) => ({
      kind: t.kind,
      amount: money(t.amount, c),
      points: t.points ?? null,
      last4: t.last4 ?? null,
    })),
    shippingAddress: row.shippingAddress,
    billingAddress: row.billingAddress,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    paymentAttention: row.paymentAttention,
    version: row.version,
  };
}

export function toStatusChange(row: OrderStatusChangeRow) {
  return { status: row.status, note: row.note, actor: row.actor, at: row.createdAt.toISOString() };
}
