import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { dataOf } from '../../platform/testing/graphql-client';
import { VariantBySkuDocument } from '../../sdk';
import { launchChromium, openPage, photograph, seriousViolations } from './support/admin-browser';
import { seedCatalog, signIn, startAdminPlatform, type AdminPlatform } from './support/admin-shop';

/**
 * The catalog side of the admin panel: a price edited on the product page is the price the
 * storefront then reads; a coupon campaign made in the panel gets 10,000 codes, downloaded
 * as CSV; and the other pages (inventory, customers, staff, audit log) load and pass axe.
 */
let shop: AdminPlatform;
let browser: Browser;
let page: Page;
let errors: string[];
let mug: { id: string };

beforeAll(async () => {
  [shop, browser] = await Promise.all([startAdminPlatform('admin_catalog'), launchChromium()]);
  ({ mug } = await seedCatalog(shop));
  ({ page, errors } = await openPage(browser));
  await signIn(page, shop.admin.url, shop.login);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

test('a price set on the product page is the price shoppers get', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByText('Products').click();
  await page.getByRole('link', { name: 'Admin Mug' }).waitFor({ timeout: 15_000 });
  await photograph(page, 'products');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('link', { name: 'Admin Mug' }).click();
  await page.getByRole('heading', { name: 'Admin Mug' }).waitFor();
  expect(await page.getByTestId('price-ADM-MUG').innerText()).toBe('€15.00');
  await page.getByLabel('New price for ADM-MUG').fill('17.90');
  await page.getByRole('button', { name: 'Set price' }).click();
  await page.getByTestId('price-ADM-MUG').getByText('€17.90').waitFor({ timeout: 15_000 });
  // What a storefront asks, anonymously: the new price.
  const variant = dataOf(await shop.anonymous(VariantBySkuDocument, { sku: 'ADM-MUG' })).variant;
  expect(variant.price).toEqual({ amount: 1790, currency: 'EUR' });
  await photograph(page, 'product');
  expect(await seriousViolations(page)).toEqual([]);
  expect(mug.id).toBeTruthy();
});

test('a coupon campaign gets 10,000 codes, downloaded as CSV', async () => {
  await page.goto(`${shop.admin.url}/#/promotions`);
  await page.getByLabel('Campaign name').fill('Spring mailing');
  await page.getByLabel('Percent off').fill('15');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('button', { name: 'Generate codes' }).waitFor({ timeout: 15_000 });
  await photograph(page, 'promotions');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Generate codes' }).click();
  await page.getByLabel('How many (up to 10,000)').fill('10000');
  await page.getByLabel('Prefix').fill('SPRING-');
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 45_000 }),
    page.getByRole('button', { name: 'Generate and download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('coupons-15-off.csv');
  const lines = readFileSync(await download.path(), 'utf8')
    .trimEnd()
    .split('\r\n');
  expect(lines[0]).toBe('code,promotion');
  expect(lines).toHaveLength(10_001);
  const codes = lines.slice(1).map((line) => line.split(',')[0]!);
  expect(new Set(codes).size).toBe(10_000);
  expect(codes.every((code) => code.startsWith('SPRING-'))).toBe(true);
  await page.getByText('10000 codes generated and downloaded').waitFor();
  // A downloaded code really is a coupon.
  const coupon = dataOf(
    await shop.staff(`query ($c: String!) { coupon(code: $c) { code usedCount } }`, {
      c: codes[1234],
    }),
  ).coupon;
  expect(coupon).toEqual({ code: codes[1234], usedCount: 0 });
});

test.each([
  ['inventory', 'Inventory', 'ADM-1'],
  ['customers', 'Customers', null],
  ['staff', 'Staff and roles', 'super_admin'],
  ['audit', 'Audit log', 'login.succeeded'],
])('the %s page loads real data and passes axe', async (path, heading, shown) => {
  await page.goto(`${shop.admin.url}/#/${path}`);
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
  if (shown) await page.getByRole('cell', { name: shown, exact: true }).first().waitFor();
  await photograph(page, path);
  expect(await seriousViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});
