import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { useEdgePlatform } from './support/edge-platform';
import { CHECKOUT, checkoutInput } from './support/shop';

/**
 * Text a client sends that no field may hold, and domain errors raised outside a
 * mutation's userErrors: both reach the client as BAD_USER_INPUT with a reason, never as
 * INTERNAL_SERVER_ERROR. The router refuses control characters before calling any
 * subgraph (a spy on fetch sees no subgraph call); the subgraphs refuse what PostgreSQL
 * refuses even when called directly.
 */
const edge = useEdgePlatform('edge_input');

async function refusedAtTheRouter(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const answer = await edge.withoutSubgraphs(() => edge.platform.query(query, variables));
  expect(answer.data ?? null).toBeNull();
  expect(answer.errors).toHaveLength(1);
  return answer.errors![0]!.extensions!;
}

describe('control characters at the router', () => {
  it('refuses a NUL in a literal argument, naming the argument', async () => {
    expect(
      await refusedAtTheRouter('{ products(first: 1, search: "wool\\u0000") { totalCount } }'),
    ).toEqual({ code: 'BAD_USER_INPUT', reason: 'CONTROL_CHARACTER', argument: 'products.search' });
    expect(await refusedAtTheRouter('{ v: variant(sku: "SKU-\\u0007") { sku } }')).toMatchObject({
      argument: 'v.sku',
    });
  });

  it('refuses one nested in a variable, naming the path in the variable', async () => {
    const input = checkoutInput('cart-1', 'key-1');
    const extensions = await refusedAtTheRouter(CHECKOUT, {
      input: { ...input, shippingAddress: { ...input.shippingAddress, line1: 'Street\u00001' } },
    });
    expect(extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'CONTROL_CHARACTER',
      variable: 'input.shippingAddress.line1',
    });
    expect(
      await refusedAtTheRouter(
        'mutation ($codes: [String!]!) { cartDiscountCodesUpdate(cartId: "c", discountCodes: $codes) { userErrors { code } } }',
        { codes: ['WELCOME10', 'BAD\u0000'] },
      ),
    ).toMatchObject({ variable: 'codes[1]' });
    expect(
      await refusedAtTheRouter(
        'mutation ($email: String!) { login(email: $email, password: "x") { accessToken } }',
        { email: 'ada\u001b@example.com' },
      ),
    ).toMatchObject({ reason: 'CONTROL_CHARACTER', variable: 'email' });
  });

  it('refuses a control character in the variables of a document that passed before', async () => {
    const query = 'query ($s: String) { products(first: 1, search: $s) { totalCount } }';
    const clean = await edge.platform.query(query, { s: 'wool' });
    expect(typeof dataOf(clean).products.totalCount).toBe('number');
    expect(await refusedAtTheRouter(query, { s: 'wool\u0000' })).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'CONTROL_CHARACTER',
      variable: 's',
    });
  });

  it('lets tabs and newlines through', async () => {
    const answer = await edge.platform.query(
      'query ($s: String) { products(first: 1, search: $s) { totalCount } }',
      {
        s: 'wool\tcoat\n',
      },
    );
    expect(dataOf(answer).products.totalCount).toBe(0);
  });
});

describe('domain errors outside userErrors', () => {
  it('answers a search over 200 characters with BAD_USER_INPUT and the domain code', async () => {
    const answer = await edge.platform.query(
      'query ($s: String) { products(first: 1, search: $s) { totalCount } }',
      {
        s: 'x'.repeat(201),
      },
    );
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'SEARCH_TOO_LONG',
      field: ['search'],
    });
    expect(answer.errors![0]!.message).toMatch(/longer than 200/);
  });
});

describe('a subgraph called directly (defence in depth)', () => {
  it('answers what PostgreSQL refuses as BAD_USER_INPUT, not INTERNAL_SERVER_ERROR', async () => {
    const catalog = edge.platform.subgraphs.catalog!.url;
    const searchQuery = 'query ($s: String) { products(first: 1, search: $s) { totalCount } }';
    // The same document passes first: its later variables are looked at all the same.
    const clean = await postGraphQL(
      catalog,
      searchQuery,
      { s: 'wool' },
      { viewer: { kind: 'anonymous' } },
    );
    expect(clean.errors).toBeUndefined();
    const search = await postGraphQL(
      catalog,
      searchQuery,
      { s: 'wool\u0000' },
      { viewer: { kind: 'anonymous' } },
    );
    expect(search.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CONTROL_CHARACTER',
      variable: 's',
    });
    const created = await postGraphQL(
      catalog,
      'mutation ($name: String!) { brandCreate(input: { name: $name }) { brand { id } userErrors { code } } }',
      { name: 'Nul\u0000Brand' },
      { viewer: { kind: 'staff', staffId: 'staff-1', permissions: ['catalog:write'] } },
    );
    expect(created.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(created)).not.toMatch(/0x00|invalid byte sequence|INSERT/);
  });
});
