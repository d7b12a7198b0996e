import type { CartQuote } from '../cart-quote';
import type { AddressValue, ChangePreviewValue, PreviewLineValue } from '../../entities';

/** The order as a quote prices it, line by line, with the lines' ids where they exist. */
export function previewOf(
  quote: CartQuote,
  lines: { lineId: string | null; variantId: string; quantity: number }[],
  shippingAddress: AddressValue | null,
): ChangePreviewValue {
  const price = quote.price;
  const previewLines: PreviewLineValue[] = lines.map((line) => {
    const priced = price.lines.find((p) => p.variantId === line.variantId)!;
    const variant = quote.variants.get(line.variantId)!;
    return {
      lineId: line.lineId,
      variantId: line.variantId,
      sku: variant.sku,
      productName: variant.product.name,
      variantTitle: variant.title,
      quantity: line.quantity,
      unitPrice: priced.unitPrice,
      discount: priced.discountAmount,
      tax: priced.taxAmount,
      lineTotal: priced.lineTotal,
    };
  });
  const { method } = quote.shipping.chosen;
  return {
    lines: previewLines,
    subtotal: price.subtotal,
    discountTotal: price.discountTotal + price.shippingDiscountAmount,
    discounts: quote.discounts.applied,
    shipping: price.shippingAmount,
    tax: price.taxTotal,
    total: price.total,
    shippingAddress,
    shippingMethod: {
      methodId: method.id,
      name: method.name,
      kind: method.kind,
      carrier: method.carrier,
    },
  };
}
