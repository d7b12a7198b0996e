import { pricedLinesFor, pricedLinesOf, stillPriced } from './priced-lines';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const answer = {
  subtotal: 3500,
  lines: [
    { variantId: A, quantity: 1, unitPrice: 1500, lineSubtotal: 1500 },
    { variantId: B, quantity: 2, unitPrice: 1000, lineSubtotal: 2000 },
  ],
} as Parameters<typeof pricedLinesOf>[2];

const asked = [
  { variantId: A, quantity: 1 },
  { variantId: B, quantity: 2 },
];

describe('priced lines', () => {
  const kept = pricedLinesOf('EUR', asked, answer)!;

  it('keeps the unit prices and the subtotal, not what depends on the destination', () => {
    expect(kept).toEqual({
      currency: 'EUR',
      subtotal: 3500,
      lines: [
        { variantId: A, quantity: 1, unitPrice: 1500 },
        { variantId: B, quantity: 2, unitPrice: 1000 },
      ],
    });
  });

  it('keeps nothing when a variant was asked twice (the cart sums it into one line)', () => {
    expect(pricedLinesOf('EUR', [...asked, { variantId: A, quantity: 1 }], answer)).toBeNull();
  });

  it('serves exactly the lines it was made for, in their order', () => {
    const reversed = [...asked].reverse();
    expect(pricedLinesFor(kept, 'EUR', reversed)!.lines.map((l) => l.variantId)).toEqual([B, A]);
    expect(pricedLinesFor(kept, 'USD', asked)).toBeNull();
    expect(pricedLinesFor(kept, 'EUR', [asked[0]!, { variantId: B, quantity: 3 }])).toBeNull();
    expect(pricedLinesFor(kept, 'EUR', [asked[0]!])).toBeNull();
    expect(pricedLinesFor(kept, 'EUR', [asked[0]!, { ...asked[1]!, unitPrice: 900 }])).toBeNull();
    expect(pricedLinesFor(null, 'EUR', asked)).toBeNull();
  });

  it('is proven current only by a final quote with the same unit prices', () => {
    const final = (unitB: number) => ({
      subtotal: 1500 + 2 * unitB,
      lines: [
        { variantId: A, quantity: 1, unitPrice: 1500 },
        { variantId: B, quantity: 2, unitPrice: unitB },
      ],
    });
    expect(stillPriced(kept, final(1000) as never)).toBe(true);
    expect(stillPriced(kept, final(1100) as never)).toBe(false);
  });
});
