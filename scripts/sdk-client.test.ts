import { CategoriesDocument, CommerceError, createCommerceClient, ProductsDocument } from '../sdk';
import { operationText, sha256Hex } from '../sdk/documents';
import { operationManifest, safelist } from '../sdk/manifest';

/** The SDK client's HTTP behaviour, against a scripted fetch (no server needed). */
interface Call {
  body: Record<string, any>;
  headers: Record<string, string>;
}

function scriptedFetch(answer: (call: Call, index: number) => { status?: number; body: unknown }) {
  const calls: Call[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const call = {
      body: JSON.parse(String(init.body)),
      headers: init.headers as Record<string, string>,
    };
    calls.push(call);
    const { status = 200, body } = answer(call, calls.length - 1);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const PRODUCTS = {
  products: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] },
};

describe('SDK client', () => {
  it('sends the operation text, name and variables, and returns typed data', async () => {
    const { fetch, calls } = scriptedFetch(() => ({ body: { data: PRODUCTS } }));
    const client = createCommerceClient({ url: 'http://shop.test/graphql', fetch });
    const data = await client.request(ProductsDocument, { first: 3, search: 'wool' });
    expect(data.products.totalCount).toBe(0);
    expect(calls[0]!.body).toEqual({
      query: operationText(ProductsDocument),
      operationName: 'Products',
      variables: { first: 3, search: 'wool' },
    });
    expect(calls[0]!.headers.authorization).toBeUndefined();
  });

  it('throws a CommerceError with the code, the errors and any partial data', async () => {
    const errors = [
      { message: 'Give exactly one of id and slug', extensions: { code: 'BAD_USER_INPUT' } },
    ];
    const { fetch } = scriptedFetch(() => ({ body: { data: { categories: [] }, errors } }));
    const client = createCommerceClient({ url: 'http://shop.test/graphql', fetch });
    const failure = await client.request(CategoriesDocument).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CommerceError);
    expect(failure).toMatchObject({
      code: 'BAD_USER_INPUT',
      errors,
      data: { categories: [] },
      status: 200,
    });
  });

  it('persisted queries: hash first, the text once on PERSISTED_QUERY_NOT_FOUND, the hash alone after', async () => {
    const known = new Set<string>();
    const { fetch, calls } = scriptedFetch(({ body }) => {
      const hash = body.extensions?.persistedQuery?.sha256Hash;
      if (body.query) known.add(hash);
      else if (!known.has(hash))
        return {
          body: {
            errors: [
              {
                message: 'PersistedQueryNotFound',
                extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
              },
            ],
          },
        };
      return { body: { data: PRODUCTS } };
    });
    const client = createCommerceClient({
      url: 'http://shop.test/graphql',
      fetch,
      persistedQueries: true,
    });
    await client.request(ProductsDocument, { first: 1 });
    await client.request(ProductsDocument, { first: 2 });
    const hash = await sha256Hex(operationText(ProductsDocument));
    expect(
      calls.map((c) => [c.body.query !== undefined, c.body.extensions?.persistedQuery?.sha256Hash]),
    ).toEqual([
      [false, hash],
      [true, hash],
      [false, hash],
    ]);
    // The manifest holds the same hash and text for the router's safelist.
    expect(operationManifest.Products).toEqual({
      type: 'query',
      sha256: hash,
      document: operationText(ProductsDocument),
    });
    expect(safelist().get(hash)).toBe(operationText(ProductsDocument));
  });

  it('persisted queries are harmless against a router without them: one extra round trip, then plain requests', async () => {
    const { fetch, calls } = scriptedFetch(({ body }) =>
      body.query
        ? { body: { data: PRODUCTS } }
        : {
            status: 400,
            body: { errors: [{ message: 'GraphQL operations must contain a non-empty `query`' }] },
          },
    );
    const client = createCommerceClient({
      url: 'http://shop.test/graphql',
      fetch,
      persistedQueries: true,
    });
    await client.request(ProductsDocument);
    await client.request(ProductsDocument);
    expect(calls.map((c) => [c.body.query !== undefined, c.body.extensions !== undefined])).toEqual(
      [
        [false, true],
        [true, false],
        [true, false],
      ],
    );
  });

  it('never resends an operation whose hash-only request was executed (no double mutation)', async () => {
    // An execution error (data present, even null) means the server ran it: no retry.
    const { fetch, calls } = scriptedFetch(() => ({
      body: {
        data: null,
        errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      },
    }));
    const client = createCommerceClient({
      url: 'http://shop.test/graphql',
      fetch,
      persistedQueries: true,
    });
    await expect(client.request(ProductsDocument)).rejects.toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
    });
    expect(calls).toHaveLength(1);
  });

  it('sends the token, refreshes once on UNAUTHENTICATED and retries with the new one', async () => {
    let token = 'expired';
    const refresh = jest.fn(async () => {
      token = 'fresh';
    });
    const { fetch, calls } = scriptedFetch(({ headers }) =>
      headers.authorization === 'Bearer fresh'
        ? { body: { data: PRODUCTS } }
        : {
            status: 401,
            body: {
              errors: [{ message: 'token expired', extensions: { code: 'UNAUTHENTICATED' } }],
            },
          },
    );
    const client = createCommerceClient({
      url: 'http://shop.test/graphql',
      fetch,
      getToken: () => token,
      refresh,
    });
    await Promise.all([client.request(ProductsDocument), client.request(ProductsDocument)]);
    expect(refresh).toHaveBeenCalledTimes(1); // concurrent failures share one refresh
    expect(calls.map((c) => c.headers.authorization)).toEqual([
      'Bearer expired',
      'Bearer expired',
      'Bearer fresh',
      'Bearer fresh',
    ]);
  });

  it('gives up after one refresh: the second UNAUTHENTICATED is the caller’s', async () => {
    const refresh = jest.fn(() => 'still-bad');
    const { fetch, calls } = scriptedFetch(() => ({
      status: 401,
      body: { errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] },
    }));
    const client = createCommerceClient({
      url: 'http://shop.test/graphql',
      fetch,
      getToken: () => 'bad',
      onTokenExpired: refresh,
    });
    await expect(client.request(ProductsDocument)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
    });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer bad', 'Bearer still-bad']);
  });
});
