import type { Browser } from 'playwright-core';
import { dataOf } from '../../platform/testing/graphql-client';
import { AdminDashboardDocument } from '../../sdk';
import { timeStep, totpCode } from '../../subgraphs/identity/domain/totp';
import { callerOf, staffToken } from '../support/accounts';
import { launchChromium, openPage, photograph, seriousViolations } from './support/admin-browser';
import {
  placeOrder,
  seedCatalog,
  signIn,
  startAdminPlatform,
  type AdminPlatform,
} from './support/admin-shop';

/**
 * The admin panel in Chromium against a real platform: the bootstrap admin signs in and the
 * dashboard shows the sales report's numbers; a staff member with MFA needs the code and
 * sees only the sections their role allows.
 */
let shop: AdminPlatform;
let browser: Browser;
const OPS = { email: 'ops@shop.test', password: 'ops staff passphrase' };
let opsSecret: string;
const euro = (minor: number) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(minor / 100);

beforeAll(async () => {
  [shop, browser] = await Promise.all([startAdminPlatform('admin_dashboard'), launchChromium()]);
  const { mug, lamp } = await seedCatalog(shop);
  await placeOrder(shop, [{ variantId: mug.variants[0]!.id, quantity: 2 }], { capture: true });
  await placeOrder(shop, [{ variantId: lamp.variants[0]!.id, quantity: 1 }]);
  // An orders-and-customers staff member (built-in role "staff") with TOTP switched on.
  const created = dataOf(
    await shop.staff(
      `mutation ($i: StaffCreateInput!) { staffCreate(input: $i) { userErrors { code } } }`,
      { i: { ...OPS, name: 'Olive Ops', roles: ['staff'] } },
    ),
  ).staffCreate;
  expect(created.userErrors).toEqual([]);
  const ops = callerOf(
    () => shop.platform.router.url,
    await staffToken(shop.anonymous, OPS.email, OPS.password),
  );
  opsSecret = dataOf(await ops(`mutation { mfaEnrollStart { secret } }`)).mfaEnrollStart.secret;
  const confirmed = dataOf(
    await ops(`mutation ($c: String!) { mfaEnrollConfirm(code: $c) { userErrors { code } } }`, {
      c: totpCode(opsSecret),
    }),
  ).mfaEnrollConfirm;
  expect(confirmed.userErrors).toEqual([]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

test('the admin signs in and the dashboard shows the sales report, photographed and scanned', async () => {
  const { page, blocked, errors } = await openPage(browser);
  await signIn(page, shop.admin.url, shop.login);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: 20_000 });

  const to = new Date(Date.now() + 60_000);
  const report = dataOf(
    await shop.staff(AdminDashboardDocument, {
      from: new Date(to.getTime() - 30 * 86_400_000).toISOString(),
      to: to.toISOString(),
      currency: 'EUR',
    }),
  ).salesReport;
  expect(report.salesCount).toBe(2);
  const sales = page.getByTestId('sales-revenue');
  await sales.getByText(euro(report.revenue.amount)).waitFor({ timeout: 15_000 });
  expect(await page.getByTestId('sales-count').innerText()).toContain('2');
  expect(await page.getByTestId('sales-aov').innerText()).toContain(
    euro(report.averageOrderValue.amount),
  );
  expect(await page.getByTestId('status-counts').textContent()).toMatch(/CONFIRMED: 1.*PENDING: 1/);
  // Top products and inventory's low stock (5 lamps, below the default threshold of 20).
  await page.getByRole('cell', { name: 'Admin Mug' }).waitFor();
  await page.getByRole('cell', { name: 'ADM-LAMP' }).last().waitFor();

  await photograph(page, 'dashboard', true);
  expect(await seriousViolations(page)).toEqual([]);
  expect(blocked).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
});

test('a staff member with MFA gives the code and sees only what the role allows', async () => {
  const { page, errors } = await openPage(browser);
  await signIn(page, shop.admin.url, OPS);
  const code = page.getByLabel('Authentication code');
  await code.waitFor({ timeout: 15_000 });
  await photograph(page, 'login-mfa');
  expect(await seriousViolations(page)).toEqual([]);

  await code.fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').waitFor();
  // The next step's code: the enrolment used this step's, and a code is good once.
  await code.fill(totpCode(opsSecret, timeStep() + 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: 20_000 });

  const nav = page.getByRole('navigation', { name: 'Sections' });
  for (const allowed of ['Dashboard', 'Orders', 'Promotions', 'Customers'])
    await nav.getByText(allowed).waitFor();
  for (const hidden of ['Products', 'Inventory', 'Staff & roles', 'Audit log'])
    expect(await nav.getByText(hidden).count()).toBe(0);
  // Without inventory:write there is no low-stock card (inventory would refuse it).
  expect(await page.getByText('Low stock').count()).toBe(0);
  // A section outside the role, typed in, is refused with the permission it needs.
  await page.goto(`${shop.admin.url}/#/staff`);
  await page.getByText('Needs identity:manage').waitFor();
  // promotions:read without promotions:write: the list, but no creating.
  await page.goto(`${shop.admin.url}/#/promotions`);
  await page.getByRole('heading', { name: 'Promotions' }).waitFor();
  expect(await page.getByRole('button', { name: 'Create' }).isDisabled()).toBe(true);
  expect(errors).toEqual([]);
  await page.close();
});
