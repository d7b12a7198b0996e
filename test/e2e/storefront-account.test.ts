import { callerOf, customerToken, mailedToken } from '../support/accounts';
import { dataOf } from '../../platform/testing/graphql-client';
import { timeStep, totpCode } from '../../subgraphs/identity/domain/totp';
import { devMailbox } from '../../subgraphs/identity/domain/mailer';
import {
  demoProductSlug,
  screenshots,
  seriousViolations,
  shopper,
  startStorefrontWorld,
  type StorefrontWorld,
} from './support/storefront-browser';

/**
 * A shopper registers in the browser, confirms the emailed link, signs in (with their
 * authenticator's code once MFA is on), keeps an address, orders signed in and finds the
 * order in their history; and searches the shop with facets.
 */
let world: StorefrontWorld;

beforeAll(async () => {
  world = await startStorefrontWorld('storefront-account');
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

const EMAIL = 'shopper@example.com';
const PASSWORD = 'a long enough passphrase';

test('register, confirm the email, sign in with MFA, keep an address and order signed in', async () => {
  const { page, context, errors } = await shopper(world, 'phone');
  const url = world.storefront.url;
  const mails = devMailbox.messagesTo(EMAIL).length;

  await page.goto(`${url}/account/register`);
  await page.getByLabel('First name').fill('Sam');
  await page.getByLabel('Last name').fill('Shopper');
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel(/^Password/).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  // Too short a password is refused at its field.
  await page.getByTestId('error-password').waitFor();
  await screenshots(page, 'register');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('registered').waitFor();

  // The link in the mail leads to the storefront's confirmation page.
  const token = await mailedToken(EMAIL, mails);
  await page.goto(`${url}/account/verify-email?token=${encodeURIComponent(token)}`);
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await page.getByTestId('verified').waitFor();

  // Turn MFA on through the API, as the account's security settings would.
  const anonymous = callerOf(() => world.platform.router.url, null);
  const me = callerOf(
    () => world.platform.router.url,
    await customerToken(anonymous, EMAIL, PASSWORD),
  );
  const secret = dataOf(await me(`mutation { mfaEnrollStart { secret userErrors { code } } }`))
    .mfaEnrollStart.secret as string;
  const confirmed = dataOf(
    await me(`mutation ($c: String!) { mfaEnrollConfirm(code: $c) { userErrors { code } } }`, {
      c: totpCode(secret),
    }),
  ).mfaEnrollConfirm;
  expect(confirmed.userErrors).toEqual([]);

  await page.goto(`${url}/account/login`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const code = page.getByLabel('Code from your authenticator app');
  await code.waitFor();
  await page.getByLabel('Password').fill(PASSWORD);
  // The next step's code: identity refuses a step at or before the one enrolment used.
  await code.fill(totpCode(secret, timeStep() + 1));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${url}/account`);
  await page
    .getByTestId('account-email')
    .getByText(/email confirmed · two-step sign-in on/)
    .waitFor();

  await page.getByLabel('Full name').fill('Sam Shopper');
  await page.getByLabel('Street and number').fill('Damrak 1');
  await page.getByLabel('Postal code').fill('not a code');
  await page.getByLabel('City').fill('Amsterdam');
  await page.getByLabel('Country').selectOption('NL');
  await page.getByRole('button', { name: 'Save address' }).click();
  await page.getByTestId('error-postalCode').waitFor();
  await page.getByLabel('Postal code').fill('1012 LG');
  await page.getByRole('button', { name: 'Save address' }).click();
  await page
    .getByTestId('addresses')
    .getByText(/Damrak 1/)
    .waitFor()
    .catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await page.locator('main').innerText()}`);
    });
  await screenshots(page, 'account');
  expect(await seriousViolations(page)).toEqual([]);

  // Signed in, checkout starts from the account's email and default address.
  await page.goto(`${url}/products/${await demoProductSlug(world.platform)}`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('status').getByText('Added to your cart.').waitFor();
  await page.goto(`${url}/checkout`);
  await page.getByText(`Signed in as ${EMAIL}`).waitFor();
  expect(await page.getByLabel('Street and number').inputValue()).toBe('Damrak 1');
  await page.getByRole('button', { name: /Place order/ }).click();
  await page.waitForURL(/\/orders\//);
  const orderHeading = await page.getByRole('heading', { level: 1 }).innerText();

  await page.goto(`${url}/account`);
  await page
    .getByTestId('order-history')
    .getByText(orderHeading.replace(/^Order /, 'Order '))
    .waitFor();
  expect(errors).toEqual([]);
  await context.close();
}, 240_000);

test('search finds products with facets to filter by', async () => {
  const { page, context } = await shopper(world);
  await page.goto(`${world.storefront.url}/search?q=shirt`);
  const count = Number(/(\d+) result/.exec(await page.getByTestId('search-count').innerText())![1]);
  expect(count).toBeGreaterThan(0);
  const brand = page.getByRole('group', { name: 'Brand' }).getByRole('checkbox').first();
  await brand.check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/brand=/);
  const filtered = Number(
    /(\d+) result/.exec(await page.getByTestId('search-count').innerText())![1],
  );
  expect(filtered).toBeGreaterThan(0);
  expect(filtered).toBeLessThanOrEqual(count);
  await screenshots(page, 'search');
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();
}, 120_000);
