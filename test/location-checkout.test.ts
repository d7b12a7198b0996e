import { devMailbox } from '../subgraphs/identity/domain/mailer';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { cartWith, createProduct, createWarehouse, receiveStock } from './support/shop';

/**
 * Issue 12's location part through the router: addresses are location's rules, and
 * checkout and the address book refuse a bad one with its field path.
 */
let platform: TestPlatform;
let variantId: string;

beforeAll(async () => {
  // Background work on: identity's outbox mails the verification link.
  platform = await startTestPlatform('location-checkout', { background: true });
  variantId = (
    await createProduct(platform, 'Atlas', [
      { sku: 'LOC-ATLAS', price: 0, prices: { EUR: 2000, USD: 2000 } },
    ])
  ).variants[0]!.id;
  await receiveStock(platform, 'LOC-ATLAS', await createWarehouse(platform, 'LOC-1'), 50);
});

afterAll(async () => {
  await platform?.stop();
});

const CHECKOUT = `mutation ($input: CheckoutInput!) {
  checkout(input: $input) {
    order { id status tax { amount } shippingAddress { name city region postalCode country } }
    orderAccessToken
    userErrors { field code message }
  }
}`;
const CALIFORNIA = {
  name: 'Ada Lovelace',
  line1: '1 Infinite Loop',
  city: 'Cupertino',
  region: 'california',
  postalCode: '95014',
  country: 'us',
};

async function usdCart(): Promise<string> {
  const data = dataOf(
    await platform.query(
      `mutation ($input: CartCreateInput) { cartCreate(input: $input) { cart { id } } }`,
      { input: { currency: 'USD', lines: [{ variantId, quantity: 1 }] } },
    ),
  );
  return data.cartCreate.cart.id;
}

const checkout = async (cartId: string, key: string, change: object) =>
  dataOf(
    await platform.query(CHECKOUT, {
      input: {
        cartId,
        idempotencyKey: key,
        email: 'ada@example.com',
        shippingAddress: CALIFORNIA,
        payment: { token: 'tok_visa' },
        ...change,
      },
    }),
  ).checkout;

describe('checkout with an invalid address is refused with the field path', () => {
  it.each([
    [
      'country ZZ',
      { shippingAddress: { ...CALIFORNIA, country: 'ZZ' } },
      'shippingAddress',
      'country',
      'COUNTRY_UNKNOWN',
    ],
    [
      'postal code NOT-A-ZIP in the US',
      { shippingAddress: { ...CALIFORNIA, postalCode: 'NOT-A-ZIP' } },
      'shippingAddress',
      'postalCode',
      'POSTAL_CODE_INVALID',
    ],
    [
      'a region not in the country',
      { shippingAddress: { ...CALIFORNIA, region: 'Bavaria' } },
      'shippingAddress',
      'region',
      'REGION_UNKNOWN',
    ],
    [
      'no region where the US requires one',
      { shippingAddress: { ...CALIFORNIA, region: null } },
      'shippingAddress',
      'region',
      'REQUIRED',
    ],
    [
      'a billing region of another country',
      { billingAddress: { ...CALIFORNIA, region: 'ON' } },
      'billingAddress',
      'region',
      'REGION_UNKNOWN',
    ],
  ])('%s', async (_what, change, address, field, code) => {
    const cartId = await usdCart();
    const refused = await checkout(cartId, `loc-bad-${Math.random()}`, change);
    expect(refused).toEqual({
      order: null,
      orderAccessToken: null,
      userErrors: [{ field: ['input', address, field], code, message: expect.any(String) }],
    });
    // The cart is untouched: the same cart checks out once the address is right.
    const placed = await checkout(cartId, `loc-good-${Math.random()}`, {});
    expect(placed.userErrors).toEqual([]);
  });

  it('a valid address goes through, stored as location normalises it, and its region taxes the order', async () => {
    const placed = await checkout(await usdCart(), 'loc-valid-0001', {});
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({
      status: 'PENDING',
      shippingAddress: { region: 'CA', country: 'US', postalCode: '95014', city: 'Cupertino' },
    });
    // California's 7.25 % (pricing's US-CA rule) applies: the normalised region reached pricing.
    expect(placed.order.tax.amount).toBeGreaterThan(0);
    const read = dataOf(
      await platform.query(
        `query ($id: ID!, $t: String) { order(id: $id, accessToken: $t) { shippingAddress { region country } } }`,
        { id: placed.order.id, t: placed.orderAccessToken },
      ),
    );
    expect(read.order.shippingAddress).toEqual({ region: 'CA', country: 'US' });
  });

  it('formats a postal code the way its country writes it', async () => {
    const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
    const placed = await checkout(cartId, 'loc-nl-00001', {
      shippingAddress: {
        name: 'Ada',
        line1: 'Damrak 1',
        city: 'Amsterdam',
        postalCode: '1012lg',
        country: 'nl',
      },
    });
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.shippingAddress).toMatchObject({ postalCode: '1012 LG', country: 'NL' });
  });
});

describe('location through the router', () => {
  it('serves countries and addressValidate to anyone', async () => {
    const data = dataOf(
      await platform.query(`{
        country(code: "CA") { name requiredFields postalCodeExample timeZones subdivisions(topLevel: true) { code name } }
        addressValidate(input: { line1: "1 Rue", city: "Québec", region: "Quebec", postalCode: "g1r4p5", country: "ca" }) {
          address { region postalCode country } userErrors { field code }
        }
      }`),
    );
    expect(data.country.requiredFields).toEqual(expect.arrayContaining(['REGION', 'POSTAL_CODE']));
    expect(data.country.timeZones).toContain('America/Toronto');
    expect(data.country.subdivisions).toContainEqual({ code: 'CA-ON', name: 'Ontario' });
    expect(data.addressValidate).toEqual({
      address: { region: 'QC', postalCode: 'G1R 4P5', country: 'CA' },
      userErrors: [],
    });
  });

  it('keeps a customer’s address book to location’s rules', async () => {
    const email = 'atlas.reader@example.com';
    const password = 'a long passphrase for atlas';
    const before = devMailbox.messagesTo(email).length;
    await platform.query(
      `mutation ($input: RegisterInput!) { register(input: $input) { userErrors { code } } }`,
      { input: { email, password, firstName: 'Ada', lastName: 'Atlas' } },
    );
    const message = await devMailbox.nextMessageTo(email, 10_000, before);
    const token = decodeURIComponent(/token=([A-Za-z0-9_%-]+)/.exec(message.text)![1]!);
    await platform.query(`mutation ($t: String!) { verifyEmail(token: $t) { customer { id } } }`, {
      t: token,
    });
    const accessToken: string = dataOf(
      await platform.query(
        `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
        { e: email, p: password },
      ),
    ).login.accessToken;
    const create = (input: object) =>
      postGraphQL(
        platform.router.url,
        `mutation ($input: CustomerAddressInput!) {
          addressCreate(input: $input) { address { region postalCode country } userErrors { field code } } }`,
        { input },
        { headers: { authorization: `Bearer ${accessToken}` } },
      ).then((r) => dataOf(r).addressCreate);
    const toronto = {
      name: 'Ada',
      line1: '1 Yonge St',
      city: 'Toronto',
      region: 'ontario',
      postalCode: 'm5e1w7',
      country: 'ca',
    };
    expect(await create({ ...toronto, postalCode: 'NOT-A-ZIP' })).toEqual({
      address: null,
      userErrors: [{ field: ['input', 'postalCode'], code: 'POSTAL_CODE_INVALID' }],
    });
    expect(await create({ ...toronto, region: 'Bavaria' })).toEqual({
      address: null,
      userErrors: [{ field: ['input', 'region'], code: 'REGION_UNKNOWN' }],
    });
    expect(await create(toronto)).toEqual({
      address: { region: 'ON', postalCode: 'M5E 1W7', country: 'CA' },
      userErrors: [],
    });
  });
});
