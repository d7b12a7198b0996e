import { priceParcel, servingZones, type RateBand } from './rates';
import { advance } from './tracking';

const parcel = { currency: 'EUR', orderValue: 3000, weightGrams: 1500, itemCount: 2 };
const weightBands: RateBand[] = [
  { currency: 'EUR', from: 1, to: 2000, price: 1290, freeOver: null },
  { currency: 'EUR', from: 2000, to: null, price: 1890, freeOver: 20000 },
  { currency: 'USD', from: 1, to: null, price: 999, freeOver: null },
];

describe('rate bands', () => {
  it('prices by the band that holds the measure, lower bound inclusive', () => {
    expect(priceParcel('WEIGHT', weightBands, parcel)).toEqual({ price: 1290, free: false });
    expect(priceParcel('WEIGHT', weightBands, { ...parcel, weightGrams: 2000 })).toEqual({
      price: 1890,
      free: false,
    });
  });
  it('makes shipping free at the free-over order value', () => {
    const heavy = { ...parcel, weightGrams: 5000 };
    expect(priceParcel('WEIGHT', weightBands, { ...heavy, orderValue: 19999 })!.price).toBe(1890);
    expect(priceParcel('WEIGHT', weightBands, { ...heavy, orderValue: 20000 })).toEqual({
      price: 0,
      free: true,
    });
  });
  it('has no price in a currency without bands, or outside every band', () => {
    expect(priceParcel('WEIGHT', weightBands, { ...parcel, currency: 'GBP' })).toBeNull();
    expect(
      priceParcel('ITEM_COUNT', [{ currency: 'EUR', from: 1, to: 3, price: 100, freeOver: null }], {
        ...parcel,
        itemCount: 3,
      }),
    ).toBeNull();
  });
  it('prefers a regional zone over the national one', () => {
    const zones = [
      { id: 'us', countries: ['US'], regions: [] },
      { id: 'ca', countries: ['US'], regions: ['US-CA'] },
    ];
    expect(servingZones(zones, 'US', 'CA').map((z) => z.id)).toEqual(['ca']);
    expect(servingZones(zones, 'US', 'US-NY').map((z) => z.id)).toEqual(['us']);
    expect(servingZones(zones, 'FR', null)).toEqual([]);
  });
  it('never moves a tracking status backwards', () => {
    expect(advance('IN_TRANSIT', 'DELIVERED')).toBe('DELIVERED');
    expect(advance('DELIVERED', 'IN_TRANSIT')).toBeNull();
    expect(advance('EXCEPTION', 'OUT_FOR_DELIVERY')).toBe('OUT_FOR_DELIVERY');
  });
});
