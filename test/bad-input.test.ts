import { setLogSink, type LogRecord } from '../platform/logging';
import { dataOf, fieldAnswer, postGraphQL } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { cartWith, createProduct } from './support/shop';

let platform: TestPlatform;
let variantId: string;

beforeAll(async () => {
  platform = await startTestPlatform('badinput');
  variantId = (await createProduct(platform, 'Enamel Pin', [{ sku: 'PIN-1', price: 500 }]))
    .variants[0]!.id;
});

afterAll(async () => {
  await platform?.stop();
});

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

/** Never a 500, never a stack trace or SQL in what a client sees. */
function expectClean(response: object): void {
  expect(JSON.stringify(response)).not.toMatch(
    /stacktrace|QueryFailedError|SELECT |at [A-Za-z]+ \(/,
  );
}

describe('bad input gets a clear code through the router', () => {
  it.each([
    ['malformed product id', `{ product(id: "42") { id } }`, 'BAD_USER_INPUT'],
    ['malformed order id', `{ order(id: "DROP TABLE") { id } }`, 'BAD_USER_INPUT'],
    [
      'malformed cursor',
      `{ products(after: "bm90LWEtY3Vyc29y") { totalCount } }`,
      'BAD_USER_INPUT',
    ],
    // The router refuses it before any subgraph sees it; the subgraph would say BAD_USER_INPUT.
    ['page too large', `{ products(first: 1000) { totalCount } }`, 'FIRST_TOO_LARGE'],
    ['negative page size', `{ products(first: -5) { totalCount } }`, 'BAD_USER_INPUT'],
    ['unknown field', `{ products { nope } }`, 'GRAPHQL_VALIDATION_FAILED'],
    ['syntax error', `{ products( `, 'GRAPHQL_PARSE_FAILED'],
  ])('%s', async (_name, query, code) => {
    const response = await platform.query(query);
    expect(response.errors?.[0]?.extensions?.code).toBe(code);
    expect(response.status).toBeLessThan(500);
    expectClean(response);
  });

  it('answers an unknown product NOT_FOUND, an unknown order or cart null', async () => {
    const response = await platform.query(
      `query ($id: ID!) { product(id: $id) { id } order(id: $id) { id } cart(id: $id) { id } }`,
      { id: UNKNOWN },
    );
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ product: null, order: null, cart: null });
    expect(fieldAnswer(response, 'product')).toEqual({ value: null, codes: ['NOT_FOUND'] });
    expect(response.errors).toHaveLength(1);
  });

  it('refuses negative and absurd quantities and unknown variants as userErrors', async () => {
    const cartId = await cartWith(platform, []);
    for (const [lines, code, field] of [
      [[{ variantId, quantity: -1 }], 'INVALID_QUANTITY', ['lines', '0', 'quantity']],
      [[{ variantId, quantity: 0 }], 'INVALID_QUANTITY', ['lines', '0', 'quantity']],
      [[{ variantId, quantity: 100000 }], 'INVALID_QUANTITY', ['lines', '0', 'quantity']],
      [[{ variantId: UNKNOWN, quantity: 1 }], 'NOT_FOUND', ['lines', '0', 'variantId']],
      [[{ variantId: 'garbage', quantity: 1 }], 'INVALID_ID', ['lines', '0', 'variantId']],
    ] as const) {
      const response = await platform.query(
        `mutation ($cartId: ID!, $lines: [CartLineInput!]!) { cartLinesAdd(cartId: $cartId, lines: $lines) { cart { totalQuantity } userErrors { field code } } }`,
        { cartId, lines },
      );
      expect(dataOf(response).cartLinesAdd).toEqual({ cart: null, userErrors: [{ field, code }] });
    }
    const cart = dataOf(
      await platform.query(`query ($id: ID!) { cart(id: $id) { totalQuantity } }`, { id: cartId }),
    ).cart;
    expect(cart.totalQuantity).toBe(0);
  });

  it('refuses a checkout with a bad email, country or an unknown cart', async () => {
    const cartId = await cartWith(platform, [{ variantId, quantity: 1 }]);
    const base = {
      cartId,
      idempotencyKey: 'bad-input-checkout',
      email: 'ada@example.com',
      shippingAddress: {
        name: 'Ada',
        line1: 'Street 1',
        city: 'Berlin',
        postalCode: '10117',
        country: 'DE',
      },
      payment: { token: 'tok_visa' },
    };
    const mutation = `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { field code } } }`;
    const cases: [object, string][] = [
      [{ ...base, email: 'not-an-email' }, 'INVALID_EMAIL'],
      [
        { ...base, shippingAddress: { ...base.shippingAddress, country: 'Germany' } },
        'COUNTRY_UNKNOWN',
      ],
      [{ ...base, idempotencyKey: 'short' }, 'INVALID_IDEMPOTENCY_KEY'],
      [{ ...base, cartId: UNKNOWN }, 'NOT_FOUND'],
    ];
    for (const [input, code] of cases) {
      const result = dataOf(await platform.query(mutation, { input })).checkout;
      expect(result.order).toBeNull();
      expect(result.userErrors[0].code).toBe(code);
    }
  });

  it('masks unexpected failures as INTERNAL_SERVER_ERROR without details', async () => {
    // A table gone missing stands for any failure nobody planned for.
    const catalog = platform.subgraphs.catalog!;
    const lines: LogRecord[] = [];
    const restoreLog = setLogSink((_line, record) => lines.push(record));
    await catalog.dataSource.query(`ALTER TABLE catalog.brand RENAME TO brand_gone`);
    try {
      const response = await platform.query(`{ brands { id } }`);
      expect(response.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(response.errors?.[0]?.message).toBe('Internal server error');
      expectClean(response);
      // Operators see what happened; clients do not.
      const unexpected = lines.find((l) => l.msg === 'unexpected error');
      expect(JSON.stringify(unexpected?.error)).toMatch(/catalog\.brand/);
    } finally {
      restoreLog();
      await catalog.dataSource.query(`ALTER TABLE catalog.brand_gone RENAME TO brand`);
    }
  });

  it('refuses a subgraph reached directly, without the router signature', async () => {
    for (const subgraph of Object.values(platform.subgraphs)) {
      const response = await postGraphQL(subgraph.url, `{ __typename }`);
      expect(response.status).toBe(401);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});
