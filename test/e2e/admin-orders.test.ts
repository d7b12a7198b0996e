import type { Browser, Page } from 'playwright-core';
import { dataOf } from '../../platform/testing/graphql-client';
import { OrderDocument, OrderMarkDeliveredDocument } from '../../sdk';
import { launchChromium, openPage, photograph, seriousViolations } from './support/admin-browser';
import {
  placeOrder,
  seedCatalog,
  signIn,
  startAdminPlatform,
  type AdminPlatform,
} from './support/admin-shop';

/**
 * Orders in the admin panel: the list filtered and searched, then one order captured and
 * fulfilled from its page, and a change made elsewhere arriving on the open page live
 * (orderUpdated over the router's WebSocket).
 */
let shop: AdminPlatform;
let browser: Browser;
let page: Page;
let errors: string[];
let order: { id: string; number: number };
let other: { id: string; number: number; total: { amount: number } };

beforeAll(async () => {
  [shop, browser] = await Promise.all([startAdminPlatform('admin_orders'), launchChromium()]);
  const { mug, lamp } = await seedCatalog(shop);
  other = await placeOrder(shop, [{ variantId: mug.variants[0]!.id, quantity: 1 }], {
    capture: true,
  });
  order = await placeOrder(shop, [
    { variantId: mug.variants[0]!.id, quantity: 2 },
    { variantId: lamp.variants[0]!.id, quantity: 1 },
  ]);
  ({ page, errors } = await openPage(browser));
  await signIn(page, shop.admin.url, shop.login);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

// antd's visible option (its role="option" twin is the hidden list kept for screen readers).
const option = (label: string) => page.locator(`.ant-select-item-option[title="${label}"]`);
const status = () => page.getByRole('heading', { level: 1 }).getByTestId('order-status');

test('the list filters by status and finds an order by number', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByText('Orders').click();
  await page.getByRole('link', { name: `#${other.number}` }).waitFor({ timeout: 15_000 });
  await page.getByRole('link', { name: `#${order.number}` }).waitFor();
  await photograph(page, 'orders');
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByLabel('Status').click();
  await option('PENDING').click();
  await page.getByText('1 orders').waitFor();
  expect(await page.getByRole('link', { name: `#${other.number}` }).count()).toBe(0);
  await page.getByLabel('Status').click();
  await option('CONFIRMED').click();
  await page.getByRole('link', { name: `#${other.number}` }).waitFor();
  expect(await page.getByRole('link', { name: `#${order.number}` }).count()).toBe(0);
});

test('staff capture and fulfil the order from its page, and it updates live', async () => {
  // A fresh list (the last test left a status filter on); the session survives a reload.
  await page.goto(`${shop.admin.url}/#/orders`);
  await page.reload();
  await page.getByRole('searchbox', { name: 'Search orders' }).fill(String(order.number));
  await page.getByRole('searchbox', { name: 'Search orders' }).press('Enter');
  await page.getByText('1 orders').waitFor();
  await page.getByRole('link', { name: `#${order.number}` }).click();
  await page.getByRole('heading', { name: `Order #${order.number}` }).waitFor();
  expect(await status().innerText()).toBe('PENDING');
  await page.getByRole('cell', { name: 'ADM-LAMP', exact: true }).waitFor();

  await page.getByRole('button', { name: 'Capture payment' }).click();
  await status().getByText('CONFIRMED').waitFor({ timeout: 15_000 });
  expect(dataOf(await shop.staff(OrderDocument, { id: order.id })).order.status).toBe('CONFIRMED');
  expect(await page.getByRole('button', { name: 'Capture payment' }).isDisabled()).toBe(true);

  await page.getByRole('button', { name: 'Fulfil' }).click();
  await status().getByText('FULFILLED').waitFor({ timeout: 15_000 });
  expect(dataOf(await shop.staff(OrderDocument, { id: order.id })).order.status).toBe('FULFILLED');

  // Someone else marks it delivered: this page hears it through orderUpdated, no reload.
  const delivered = dataOf(
    await shop.staff(OrderMarkDeliveredDocument, { id: order.id }),
  ).orderMarkDelivered;
  expect(delivered.userErrors).toEqual([]);
  await status().getByText('DELIVERED').waitFor({ timeout: 15_000 });
  await page.getByText('DELIVERED', { exact: true }).last().waitFor();

  await photograph(page, 'order', true);
  expect(await seriousViolations(page)).toEqual([]);
  expect(errors).toEqual([]);
});

test('a part refund, then the rest, from the order page', async () => {
  await page.goto(`${shop.admin.url}/#/orders/${other.id}`);
  await page.getByRole('heading', { name: `Order #${other.number}` }).waitFor();
  expect(await status().innerText()).toBe('CONFIRMED');
  await page.getByLabel('Refund amount').fill('5.00');
  await page.getByRole('button', { name: 'Refund' }).click();
  await page.getByRole('cell', { name: '€5.00' }).waitFor({ timeout: 15_000 });
  expect(await status().innerText()).toBe('CONFIRMED');
  await page.getByLabel('Refund amount').fill('');
  await page.getByRole('button', { name: 'Refund' }).click();
  await status().getByText('REFUNDED').waitFor({ timeout: 15_000 });
  const payments = dataOf(await shop.staff(OrderDocument, { id: other.id })).order.payments;
  expect(payments[0].refundedAmount.amount).toBe(other.total.amount);
  expect(await page.getByRole('button', { name: 'Refund' }).isDisabled()).toBe(true);
});
