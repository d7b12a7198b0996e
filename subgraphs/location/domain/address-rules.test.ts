import { validateAddress } from './address-rules';
import { loadReferenceData, type ReferenceData } from './reference-data';

/** The rules on plain values, no database: the packages' data decides each country's answer. */
let data: ReferenceData;

beforeAll(async () => {
  data = await loadReferenceData();
});

const codes = (result: ReturnType<typeof validateAddress>) =>
  result.userErrors.map((e) => `${e.field![1]}:${e.code}`);

describe('address rules', () => {
  it("writes a postal code with the country's separator, or refuses it", () => {
    const jp = validateAddress(data, {
      line1: '1-1',
      region: 'Tokyo',
      postalCode: '1540023',
      country: 'JP',
    });
    expect(jp.address).toMatchObject({ postalCode: '154-0023', region: '13', city: null });
    const nl = validateAddress(data, {
      line1: 'Damrak 1',
      city: 'Amsterdam',
      postalCode: ' 1012   lg ',
      country: 'NL',
    });
    expect(nl.address?.postalCode).toBe('1012 LG');
    expect(
      codes(
        validateAddress(data, { line1: 'x', city: 'Berlin', postalCode: '1011', country: 'DE' }),
      ),
    ).toEqual(['postalCode:POSTAL_CODE_INVALID']);
  });

  it('finds a region by code, ISO code, name or local name, in any case and without accents', () => {
    const base = { line1: 'x', city: 'y', postalCode: 'H3Z 2Y7', country: 'CA' };
    for (const region of ['QC', 'ca-qc', 'Québec', 'QUEBEC']) {
      expect(validateAddress(data, { ...base, region }).address?.region).toBe('QC');
    }
    expect(
      validateAddress(data, { line1: 'x', region: '東京都', postalCode: '154-0023', country: 'JP' })
        .address?.region,
    ).toBe('13');
  });

  it('keeps a region as written where the country writes none, unless it names a subdivision', () => {
    const base = { line1: 'x', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' };
    expect(validateAddress(data, { ...base, region: 'Greater London' }).address?.region).toBe(
      'Greater London',
    );
    expect(validateAddress(data, { ...base, region: 'Kent' }).address?.region).toBe('KEN');
  });

  it('takes any postal code where a country has none, and requires none there', () => {
    expect(
      validateAddress(data, { line1: 'x', region: 'Kowloon', country: 'HK' }).userErrors,
    ).toEqual([]);
    expect(
      validateAddress(data, { line1: 'x', region: 'Kowloon', postalCode: '000', country: 'HK' })
        .address?.postalCode,
    ).toBe('000');
  });

  it('says nothing about other fields when the country is unknown, except what any country needs', () => {
    expect(codes(validateAddress(data, { country: 'XX', postalCode: 'NOT-A-ZIP' }))).toEqual([
      'country:COUNTRY_UNKNOWN',
    ]);
    expect(codes(validateAddress(data, { country: 'XX', name: null }, ['NAME']))).toEqual([
      'name:REQUIRED',
      'country:COUNTRY_UNKNOWN',
    ]);
    expect(codes(validateAddress(data, {}))).toEqual(['country:REQUIRED']);
  });
});
