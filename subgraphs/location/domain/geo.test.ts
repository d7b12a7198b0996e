import { countryCentroid, greatCircleKm, placeDistanceKm } from './geo';

describe('geo', () => {
  it('measures great circles in kilometres', () => {
    const berlin = { latitude: 52.52, longitude: 13.405 };
    const paris = { latitude: 48.8566, longitude: 2.3522 };
    expect(greatCircleKm(berlin, paris)).toBeGreaterThan(870);
    expect(greatCircleKm(berlin, paris)).toBeLessThan(885);
    expect(greatCircleKm(berlin, berlin)).toBe(0);
  });

  it('reads country centroids from the package, not by hand', () => {
    expect(countryCentroid('de')).toEqual({ latitude: 51, longitude: 9 });
    expect(countryCentroid('ZZ')).toBeNull();
  });

  it('ranks the demo countries sensibly from the Netherlands and from Great Britain', () => {
    const from = (to: string) =>
      ['DE', 'FR', 'NL', 'GB', 'US']
        .map((country) => ({ country, km: placeDistanceKm({ country }, { country: to })! }))
        .sort((a, b) => a.km - b.km)
        .map((d) => d.country);
    expect(from('NL')).toEqual(['NL', 'DE', 'GB', 'FR', 'US']);
    expect(from('GB')[0]).toBe('GB');
    expect(from('GB').at(-1)).toBe('US');
  });

  it('puts the same region at 0, other regions at their country centre (no region centroids), an unknown country nowhere', () => {
    expect(placeDistanceKm({ country: 'US', region: 'ca' }, { country: 'us', region: 'CA' })).toBe(
      0,
    );
    expect(placeDistanceKm({ country: 'US', region: 'NY' }, { country: 'US', region: 'CA' })).toBe(
      0,
    );
    expect(placeDistanceKm({ country: 'ZZ' }, { country: 'DE' })).toBeNull();
  });
});
