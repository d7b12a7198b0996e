import { dataOf } from '../platform/testing/graphql-client';
import { startRouter, type RunningRouter } from '../router/server';
import {
  createCommerceClient,
  operationText,
  ProductBySlugDocument,
  ProductPageDeferredDocument,
  type CommerceClient,
  type IncrementalResult,
  type ProductPageDeferredQuery,
} from '../sdk/node';
import { callerOf } from './support/accounts';
import { createProduct, createWarehouse, receiveStock } from './support/shop';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { startSlowProxy, type SlowProxy } from './support/slow-proxy';

/**
 * The SDK's `requestIncremental` with the storefront's deferred product page
 * (schema/operations/storefront/product-page-deferred.graphql): the name and prices come
 * first, typed, with stock and reviews absent; each later step adds what arrived; the
 * last equals the page asked without @defer. Reviews is reached 200 ms late.
 */
let platform: TestPlatform;
let reviews: SlowProxy;
let router: RunningRouter;
let shop: CommerceClient;
let slug: string;

beforeAll(async () => {
  platform = await startTestPlatform('sdk-incremental');
  const product = await createProduct(platform, 'Deferred Scarf', [
    { sku: 'DEFER-SCARF', price: 3900 },
  ]);
  await receiveStock(platform, 'DEFER-SCARF', await createWarehouse(platform, 'DEFER-W'), 4);
  const found = dataOf(
    await platform.query('query ($id: ID) { product(id: $id) { slug } }', { id: product.id }),
  );
  slug = found.product.slug;
  reviews = await startSlowProxy(platform.subgraphUrls.reviews!, 200);
  router = await startRouter({
    port: 0,
    host: '127.0.0.1',
    supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
    subgraphUrls: { ...platform.subgraphUrls, reviews: reviews.url },
    subgraphTimeoutMs: 60_000,
  });
  shop = createCommerceClient({ url: router.url });
}, 120_000);

afterAll(async () => {
  await shop?.close();
  await router?.stop();
  await reviews?.close();
  await platform?.stop();
});

it('yields the page as its parts arrive, typed, the last equal to the page without @defer', async () => {
  const steps: IncrementalResult<ProductPageDeferredQuery>[] = [];
  for await (const step of shop.requestIncremental(ProductPageDeferredDocument, { slug }))
    steps.push(structuredClone(step));
  const first = steps[0]!;
  expect(first.hasNext).toBe(true);
  expect(first.data.product?.name).toBe('Deferred Scarf');
  expect(first.data.product?.priceRange?.min.amount).toBe(3900);
  // Typed as not there yet: the deferred fields are optional in the generated type.
  expect(first.data.product?.rating).toBeUndefined();
  const last = steps.at(-1)!;
  expect(last.hasNext).toBe(false);
  expect(last.errors).toEqual([]);
  expect(last.data.product?.availability).toEqual({ inStock: true, availableQuantity: 4 });
  expect(last.data.product?.reviews).toEqual({ totalCount: 0, edges: [] });
  const plain = await callerOf(() => router.url, null)(
    operationText(ProductPageDeferredDocument).replace(/@defer\([^)]*\)/g, ''),
    { slug },
  );
  expect(last.data).toEqual(dataOf(plain));
});

it('gives one result for a query with nothing deferred (answered as plain JSON)', async () => {
  const steps = [];
  for await (const step of shop.requestIncremental(ProductBySlugDocument, { slug }))
    steps.push(step);
  expect(steps).toHaveLength(1);
  expect(steps[0]).toMatchObject({ hasNext: false, errors: [] });
  expect(steps[0]!.data.product?.name).toBe('Deferred Scarf');
});
