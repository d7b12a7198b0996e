import type { Page } from 'playwright-core';
import { StockReceiveDocument, WarehousesDocument } from '../../sdk';
import { dataOf } from '../../platform/testing/graphql-client';
import {
  demoProductSlug,
  screenshots,
  seriousViolations,
  shopper,
  startStorefrontWorld,
  type StorefrontWorld,
} from './support/storefront-browser';

/**
 * A guest shops the demo shop in Chromium: a server-rendered product page with its SEO
 * metadata and live stock, the cart with a coupon and its cost by destination, checkout
 * with a field error, a declined card, then an approved one landing on the tracking page.
 */
let world: StorefrontWorld;

beforeAll(async () => {
  world = await startStorefrontWorld('storefront-checkout');
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

async function fillAddress(page: Page, postalCode: string) {
  await page.getByLabel('Email').fill('guest@example.com');
  await page.getByLabel('Full name').fill('Grace Hopper');
  await page.getByLabel('Street and number').fill('Unter den Linden 1');
  await page.getByLabel('Postal code').fill(postalCode);
  await page.getByLabel('City').fill('Berlin');
  await page.getByLabel('Country').selectOption('DE');
}

test('a guest finds a product, uses a coupon and checks out past a declined card', async () => {
  const { page, context, errors } = await shopper(world);
  const slug = await demoProductSlug(world.platform);

  await page.goto(world.storefront.url);
  expect(await page.getByTestId('product-grid').getByRole('link').count()).toBeGreaterThan(3);
  await screenshots(page, 'home');
  expect(await seriousViolations(page)).toEqual([]);

  // The product page arrives rendered: SEO metadata and JSON-LD are in the HTML itself.
  const html = await (await fetch(`${world.storefront.url}/products/${slug}`)).text();
  expect(html).toContain(`<link rel="canonical" href="${world.storefront.url}/products/${slug}"`);
  expect(html).toMatch(/<meta property="og:title" content="[^"]+"/);
  expect(html).toMatch(/<meta name="description" content="[^"]+"/);
  const jsonLd = JSON.parse(
    /<script type="application\/ld\+json">(.*?)<\/script>/.exec(html)![1]!,
  ) as { '@type': string; offers: { sku: string; price: string; priceCurrency: string }[] };
  expect(jsonLd['@type']).toBe('Product');
  expect(jsonLd.offers.length).toBeGreaterThan(0);
  expect(jsonLd.offers[0]!.price).toMatch(/^\d+\.\d{2}$/);

  await page.goto(`${world.storefront.url}/products/${slug}`);
  await page.getByTestId('stock').getByText('live').waitFor();
  const before = Number(/(\d+) in stock/.exec(await page.getByTestId('stock').innerText())![1]);
  const sku = (await page.getByTestId('stock').getAttribute('data-sku'))!;
  // Staff receive stock: the open page shows it without a reload (inventoryChanged).
  const { warehouses } = dataOf(await world.platform.query(WarehousesDocument));
  dataOf(
    await world.platform.query(StockReceiveDocument, {
      input: { sku, warehouseId: warehouses[0]!.id, quantity: 7 },
    }),
  );
  await page
    .getByTestId('stock')
    .getByText(`${before + 7} in stock`)
    .waitFor();
  await screenshots(page, 'product', { docs: true });
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('status').getByText('Added to your cart.').waitFor();
  await page.getByTestId('cart-link').getByText('(1)').waitFor();

  await page.goto(`${world.storefront.url}/cart`);
  const totalBefore = await page.getByTestId('total').innerText();
  await page.getByLabel('Discount code').fill('NOPE-NOT-A-CODE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page
    .locator('#discount-error')
    .getByText(/does not exist/)
    .waitFor();
  // A refused code does not stay in the cart, where it would stop the checkout.
  expect(await page.getByRole('list', { name: 'Applied codes' }).count()).toBe(0);
  await page.getByLabel('Discount code').fill('welcome10');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByTestId('discount').first().waitFor();
  expect(await page.getByTestId('total').innerText()).not.toBe(totalBefore);
  // Another destination, its own cost: France is priced in its own shipping zone.
  await page.getByLabel('Deliver to').selectOption('FR');
  await page.getByRole('button', { name: 'Update', exact: true }).last().click();
  await page.waitForURL(/country=FR/);
  await page.getByTestId('total').waitFor();
  await screenshots(page, 'cart', { docs: true });
  expect(await seriousViolations(page)).toEqual([]);

  await page.goto(`${world.storefront.url}/checkout?country=DE`);
  await fillAddress(page, '1');
  await page.getByRole('button', { name: /Place order/ }).click();
  // The address's problem is shown at its field, not as a banner.
  await page.getByTestId('error-postalCode').waitFor();
  await fillAddress(page, '10117');
  await page.getByLabel(/declined\)/).check();
  await page.getByRole('button', { name: /Place order/ }).click();
  await page
    .getByTestId('error-payment')
    .getByText(/Your card was declined/)
    .waitFor();
  await screenshots(page, 'checkout');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel(/4242/).check();
  await page.getByRole('button', { name: /Place order/ }).click();
  await page.waitForURL(/\/orders\/[^?]+\?token=/);
  await page.getByTestId('order-status').waitFor();
  expect(await page.getByTestId('order-total').innerText()).toMatch(/Total/);
  await page
    .getByText('WELCOME10')
    .or(page.getByText(/Discount −/))
    .first()
    .waitFor();
  // The cart is spent: the header counts nothing.
  await page.getByTestId('cart-link').getByText('(0)').waitFor();
  expect(errors).toEqual([]);
  await context.close();
}, 240_000);
