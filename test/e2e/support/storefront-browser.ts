import { AxeBuilder } from '@axe-core/playwright';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { dataOf } from '../../../platform/testing/graphql-client';
import { CartCreateDocument, WebCheckoutDocument } from '../../../sdk';
import { serveStorefront, type Storefront } from '../../../apps/storefront/serve';
import { seedDemoShop } from '../../../scripts/demo-shop';
import { startTestPlatform, type TestPlatform } from '../../support/platform';

/**
 * What a storefront end-to-end test needs: a platform with the demo shop, the built
 * storefront served against its router, and Debian's Chromium.
 */
export const CHROMIUM = '/usr/bin/chromium';
const REPO = join(__dirname, '..', '..', '..');
const SCREENS = join(REPO, 'test', 'artifacts', 'screens');
const DOCS_SCREENS = join(REPO, 'docs', 'screens');

export const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export interface StorefrontWorld {
  platform: TestPlatform;
  storefront: Storefront;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startStorefrontWorld(
  name: string,
  options: { background?: boolean } = {},
): Promise<StorefrontWorld> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const platform = await startTestPlatform(name, {
    markets: false,
    background: options.background ?? true,
  });
  let storefront: Storefront | undefined;
  let browser: Browser | undefined;
  try {
    await seedDemoShop(platform);
    [storefront, browser] = await Promise.all([
      serveStorefront({ routerUrl: platform.router.url, port: 0 }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      }),
    ]);
  } catch (error) {
    await browser?.close();
    await storefront?.stop();
    await platform.stop();
    throw error;
  }
  const world = { platform, storefront, browser };
  return {
    ...world,
    async stop() {
      await browser.close();
      await storefront.stop();
      await platform.stop();
    },
  };
}

/** A fresh shopper (own cookies) at a screen size, failing the test on a page error. */
export async function shopper(
  world: StorefrontWorld,
  size: keyof typeof SIZES = 'desktop',
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await world.browser.newContext({ viewport: SIZES[size] });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Generous: CI machines run several browsers and platforms side by side.
  page.setDefaultTimeout(30_000);
  return { context, page, errors };
}

/** The page at both sizes into test/artifacts/screens (and docs/screens for the README). */
export async function screenshots(
  page: Page,
  name: string,
  options: { docs?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    const file = join(SCREENS, `storefront-${name}-${size}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (options.docs) {
      mkdirSync(DOCS_SCREENS, { recursive: true });
      copyFileSync(file, join(DOCS_SCREENS, `storefront-${name}-${size}.png`));
    }
  }
  if (original) await page.setViewportSize(original);
}

/** axe's serious and critical violations on the page, as readable lines (none expected). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The first demo product with more than one variant in stock, as its page's slug. */
export async function demoProductSlug(platform: TestPlatform): Promise<string> {
  const response = await platform.query<{
    products: { edges: { node: { slug: string; availability: { inStock: boolean } } }[] };
  }>(`{ products(first: 50) { edges { node { slug availability { inStock } } } } }`);
  const slug = response.data?.products.edges.find((e) => e.node.availability.inStock)?.node.slug;
  if (!slug) throw new Error(`no demo product in stock: ${JSON.stringify(response)}`);
  return slug;
}

/** A guest order placed through the router (tok_visa), with its order-status link's token. */
export async function guestOrder(
  platform: TestPlatform,
  key: string,
): Promise<{ id: string; accessToken: string }> {
  const products = dataOf(
    await platform.query<{
      products: {
        edges: { node: { variants: { id: string; availableQuantity: number | null }[] } }[];
      };
    }>(`{ products(first: 50) { edges { node { variants { id availableQuantity } } } } }`),
  ).products.edges;
  const variant = products
    .flatMap((edge) => edge.node.variants)
    .find((v) => (v.availableQuantity ?? 0) > 2);
  if (!variant) throw new Error('no demo variant in stock');
  const cart = dataOf(
    await platform.query(CartCreateDocument, {
      input: { lines: [{ variantId: variant.id, quantity: 1 }] },
    }),
  ).cartCreate.cart!;
  const { checkout } = dataOf(
    await platform.query(WebCheckoutDocument, {
      input: {
        cartId: cart.id,
        idempotencyKey: key,
        email: 'tracker@example.com',
        shippingAddress: {
          name: 'Ada Lovelace',
          line1: 'Unter den Linden 1',
          city: 'Berlin',
          postalCode: '10117',
          country: 'DE',
        },
        payment: { token: 'tok_visa' },
      },
    }),
  );
  if (!checkout.order || !checkout.orderAccessToken)
    throw new Error(`checkout failed: ${JSON.stringify(checkout.userErrors)}`);
  return { id: checkout.order.id, accessToken: checkout.orderAccessToken };
}
