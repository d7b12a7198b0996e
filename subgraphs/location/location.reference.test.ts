import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { locationSubgraph, type LocationServices } from '.';

/** Countries, subdivisions and address validation as any caller reads them: public reference data. */
let t: TestSubgraph<LocationServices>;

beforeAll(async () => {
  t = await startSubgraphForTest(locationSubgraph);
});

afterAll(async () => {
  await t?.stop();
});

const VALIDATE = `query ($input: PostalAddressInput!, $require: [AddressField!]) {
  addressValidate(input: $input, require: $require) {
    address { name line1 city region regionName postalCode country phone }
    userErrors { field code message }
  }
}`;
const US = {
  name: 'Ada Lovelace',
  line1: '1 Infinite Loop',
  city: 'Cupertino',
  region: 'CA',
  postalCode: '95014',
  country: 'US',
};
const validate = async (input: object, require?: string[]) =>
  (await t.data(VALIDATE, { input, require })).addressValidate;

describe('countries', () => {
  it('lists every ISO 3166-1 country, anonymously', async () => {
    const { countries } = await t.data(`{ countries { code alpha3 name } }`);
    expect(countries.length).toBeGreaterThanOrEqual(249);
    expect(countries).toContainEqual({ code: 'DE', alpha3: 'DEU', name: 'Germany' });
    expect(countries.map((c: { code: string }) => c.code)).not.toContain('ZZ');
  });

  it('gives a country its subdivisions, required fields, postal-code format and time zones', async () => {
    const { country } = await t.data(
      `{ country(code: "us") { code name requiredFields usesRegion hasPostalCode postalCodeExample
         postalCodePattern timeZones subdivisions(topLevel: true) { code regionCode name parentCode }
         location { kind code name } } }`,
    );
    expect(country).toMatchObject({
      code: 'US',
      usesRegion: true,
      hasPostalCode: true,
      postalCodeExample: '95014',
      location: { kind: 'COUNTRY', code: 'US' },
    });
    expect(country.requiredFields).toEqual(
      expect.arrayContaining(['COUNTRY', 'LINE1', 'CITY', 'REGION', 'POSTAL_CODE']),
    );
    expect(country.timeZones).toEqual(
      expect.arrayContaining(['America/New_York', 'America/Los_Angeles']),
    );
    expect(country.subdivisions).toContainEqual({
      code: 'US-CA',
      regionCode: 'CA',
      name: 'California',
      parentCode: null,
    });
    expect(new RegExp(`^(?:${country.postalCodePattern})$`).test('95014')).toBe(true);
  });

  it('knows where no region or postal code is asked for, and nested subdivisions', async () => {
    const { de, hk, fr } = await t.data(`{
      de: country(code: "DE") { requiredFields usesRegion }
      hk: country(code: "HK") { requiredFields hasPostalCode postalCodeExample }
      fr: country(code: "FR") { subdivisions { code parentCode } }
    }`);
    expect(de.requiredFields).not.toContain('REGION');
    expect(de.usesRegion).toBe(false);
    expect(hk).toMatchObject({ hasPostalCode: false, postalCodeExample: null });
    expect(hk.requiredFields).not.toContain('POSTAL_CODE');
    // Départements lie in their régions.
    expect(fr.subdivisions).toContainEqual({ code: 'FR-69', parentCode: 'FR-ARA' });
  });

  it('answers null for a code that is not assigned', async () => {
    const { zz, long } = await t.data(
      `{ zz: country(code: "ZZ") { code } long: country(code: "USA") { code } }`,
    );
    expect(zz).toBeNull();
    expect(long).toBeNull();
  });
});

describe('addressValidate', () => {
  it('normalises a good address: country upper-cased, region to its code, postal code formatted', async () => {
    expect(await validate({ ...US, country: ' us ', region: 'california' })).toEqual({
      address: {
        name: 'Ada Lovelace',
        line1: '1 Infinite Loop',
        city: 'Cupertino',
        region: 'CA',
        regionName: 'California',
        postalCode: '95014',
        country: 'US',
        phone: null,
      },
      userErrors: [],
    });
    const gb = await validate({
      name: 'PM',
      line1: '10 Downing St',
      city: 'London',
      postalCode: 'sw1a2aa',
      country: 'gb',
    });
    expect(gb.address).toMatchObject({ postalCode: 'SW1A 2AA', country: 'GB' });
    const ca = await validate({
      line1: '1 Rue',
      city: 'Montréal',
      region: 'Québec',
      postalCode: 'h3z2y7',
      country: 'CA',
    });
    expect(ca.address).toMatchObject({ region: 'QC', postalCode: 'H3Z 2Y7' });
  });

  it.each([
    ['an unknown country', { country: 'ZZ' }, 'country', 'COUNTRY_UNKNOWN'],
    ['a country name instead of a code', { country: 'Germany' }, 'country', 'COUNTRY_UNKNOWN'],
    ['a region of another country', { region: 'Bavaria' }, 'region', 'REGION_UNKNOWN'],
    ['a region code of another country', { region: 'ON' }, 'region', 'REGION_UNKNOWN'],
    [
      'a postal code of the wrong form',
      { postalCode: 'NOT-A-ZIP' },
      'postalCode',
      'POSTAL_CODE_INVALID',
    ],
    ['a missing region where the country requires one', { region: null }, 'region', 'REQUIRED'],
    ['a missing postal code', { postalCode: '  ' }, 'postalCode', 'REQUIRED'],
    ['a missing street', { line1: '' }, 'line1', 'REQUIRED'],
    ['an overlong city', { city: 'C'.repeat(101) }, 'city', 'TOO_LONG'],
    ['a 100 kB name', { name: 'N'.repeat(100_000) }, 'name', 'TOO_LONG'],
    ['a control character', { line1: 'Street\u0007 1' }, 'line1', 'INVALID_TEXT'],
    ['markup in the phone', { phone: '<script>1</script>' }, 'phone', 'PHONE_INVALID'],
  ])('refuses %s on its field', async (_what, change, field, code) => {
    expect(await validate({ ...US, ...change })).toEqual({
      address: null,
      userErrors: [{ field: ['input', field], code, message: expect.any(String) }],
    });
  });

  it('reports every problem at once, in form order', async () => {
    const result = await validate({
      line1: 'x',
      region: 'Bavaria',
      postalCode: '1',
      country: 'US',
    });
    expect(
      result.userErrors.map((e: { field: string[]; code: string }) => [e.field[1], e.code]),
    ).toEqual([
      ['city', 'REQUIRED'],
      ['region', 'REGION_UNKNOWN'],
      ['postalCode', 'POSTAL_CODE_INVALID'],
    ]);
  });

  it('follows each country: no region in Germany, no postal code in Hong Kong', async () => {
    const de = await validate({
      line1: 'Unter den Linden 1',
      city: 'Berlin',
      postalCode: '10117',
      country: 'DE',
    });
    expect(de.userErrors).toEqual([]);
    const hk = await validate({ line1: '1 Queen’s Road', region: 'Kowloon', country: 'HK' });
    expect(hk).toMatchObject({ address: { country: 'HK', postalCode: null }, userErrors: [] });
  });

  it('asks for the fields the caller requires on top of the country’s', async () => {
    const result = await validate({ ...US, name: null }, ['NAME']);
    expect(result.userErrors).toEqual([
      { field: ['input', 'name'], code: 'REQUIRED', message: expect.any(String) },
    ]);
  });

  it('is the same for a customer, staff and a service', async () => {
    for (const viewer of [viewers.customer('c-1'), viewers.staff([]), viewers.service('orders')]) {
      const answer = await t.data(VALIDATE, { input: { ...US, country: 'ZZ' } }, { viewer });
      expect(answer.addressValidate.userErrors[0].code).toBe('COUNTRY_UNKNOWN');
    }
  });
});
