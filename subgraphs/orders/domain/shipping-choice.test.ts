import { DomainError } from '../../../platform/errors';
import type { ShippingOption, VariantInfo } from '../clients/index';
import { chooseShipping, COST_FIELDS, measuresOf } from './shipping-choice';

const option = (id: string, kind: string, amount: number): ShippingOption => ({
  method: { id, name: id, kind: kind as ShippingOption['method']['kind'], carrier: 'DHL-sandbox' },
  price: { amount, currency: 'EUR' },
  free: amount === 0,
});

// Cheapest first, as shipping sends them.
const OPTIONS = [
  option('pickup', 'LOCAL_PICKUP', 0),
  option('packstation', 'PICKUP_POINT', 390),
  option('standard', 'STANDARD', 495),
  option('express', 'EXPRESS', 1290),
];

function refusal(run: () => unknown): { code: string; field: string[] | null } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.field ?? null };
  }
  throw new Error('expected a refusal');
}

describe('chooseShipping', () => {
  it('defaults to the cheapest STANDARD method, never to a pickup', () => {
    expect(chooseShipping(OPTIONS, null, COST_FIELDS).method.id).toBe('standard');
    const cheaper = [option('std-b', 'STANDARD', 300), ...OPTIONS];
    expect(chooseShipping(cheaper, undefined, COST_FIELDS).method.id).toBe('std-b');
  });

  it('falls back to the cheapest option when the zone has no STANDARD method', () => {
    expect(chooseShipping(OPTIONS.slice(3), null, COST_FIELDS).method.id).toBe('express');
  });

  it('takes the buyer choice, case-insensitively, and refuses one that is not offered', () => {
    expect(chooseShipping(OPTIONS, 'EXPRESS', COST_FIELDS).method.id).toBe('express');
    expect(refusal(() => chooseShipping(OPTIONS, 'elsewhere', COST_FIELDS))).toEqual({
      code: 'SHIPPING_METHOD_UNAVAILABLE',
      field: ['shippingMethodId'],
    });
  });

  it('refuses a destination without options at the destination field', () => {
    const fields = { destination: ['input', 'shippingAddress', 'country'], method: [] };
    expect(refusal(() => chooseShipping([], null, fields))).toEqual({
      code: 'SHIPPING_UNAVAILABLE',
      field: ['input', 'shippingAddress', 'country'],
    });
  });
});

describe('measuresOf', () => {
  const variant = (weightGrams: number | null) => ({ weightGrams }) as VariantInfo;
  const variants = new Map([
    ['a', variant(800)],
    ['b', variant(12_000)],
    ['c', variant(null)],
  ]);

  it('sums weight × quantity and the item count', () => {
    const lines = [
      { variantId: 'a', quantity: 2 },
      { variantId: 'b', quantity: 1 },
    ];
    expect(measuresOf(lines, variants)).toEqual({ itemCount: 3, weightGrams: 13_600 });
  });

  it('has no weight when a variant was never weighed (weight bands then stay out)', () => {
    const lines = [
      { variantId: 'a', quantity: 1 },
      { variantId: 'c', quantity: 1 },
    ];
    expect(measuresOf(lines, variants)).toEqual({ itemCount: 2, weightGrams: null });
  });
});
