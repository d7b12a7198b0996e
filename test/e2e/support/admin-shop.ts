import { randomUUID } from 'node:crypto';
import { serveAdmin, type AdminServer } from '../../../apps/admin/serve';
import { dataOf } from '../../../platform/testing/graphql-client';
import { CartCreateDocument, CheckoutDocument, OrderCaptureDocument } from '../../../sdk';
import { bootstrapAdmin, callerOf, staffToken, type Caller } from '../../support/accounts';
import { startTestPlatform, type TestPlatform } from '../../support/platform';
import { ADDRESS, createProduct, createWarehouse, receiveStock } from '../../support/shop';

/**
 * A platform with authorization enforced, its bootstrap admin, and the built admin panel
 * served against its router: what `npm start` runs, on free ports.
 */
export interface AdminPlatform {
  platform: TestPlatform;
  admin: AdminServer;
  /** The router as the bootstrap admin calls it. */
  staff: Caller;
  anonymous: Caller;
  login: { email: string; password: string };
  stop(): Promise<void>;
}

export async function startAdminPlatform(name: string): Promise<AdminPlatform> {
  const login = { email: `${name}-root@shop.test`, password: 'correct horse battery staple' };
  const clear = bootstrapAdmin(login);
  const platform = await startTestPlatform(name, { authorization: 'enforced' });
  const anonymous = callerOf(() => platform.router.url, null);
  const staff = callerOf(
    () => platform.router.url,
    await staffToken(anonymous, login.email, login.password),
  );
  const admin = await serveAdmin({ port: 0, host: '127.0.0.1', graphqlUrl: platform.router.url });
  return {
    platform,
    admin,
    staff,
    anonymous,
    login,
    async stop() {
      await admin.close();
      await platform.stop();
      clear();
    },
  };
}

/** Two products in stock (the lamp low), so the dashboard and lists have something real. */
export async function seedCatalog(shop: AdminPlatform) {
  const asStaff = { ...shop.platform, query: shop.staff } as TestPlatform;
  const mug = await createProduct(asStaff, 'Admin Mug', [{ sku: 'ADM-MUG', price: 1500 }]);
  const lamp = await createProduct(asStaff, 'Admin Lamp', [{ sku: 'ADM-LAMP', price: 4900 }]);
  const warehouse = await createWarehouse(asStaff, 'ADM-1');
  await receiveStock(asStaff, 'ADM-MUG', warehouse, 100);
  await receiveStock(asStaff, 'ADM-LAMP', warehouse, 5);
  return { mug, lamp, warehouse };
}

/** A guest's card order, placed as the storefront places it; PENDING until captured. */
export async function placeOrder(
  shop: AdminPlatform,
  lines: { variantId: string; quantity: number }[],
  options: { capture?: boolean } = {},
) {
  const cart = dataOf(await shop.anonymous(CartCreateDocument, { input: { lines } })).cartCreate
    .cart;
  const placed = dataOf(
    await shop.anonymous(CheckoutDocument, {
      input: {
        cartId: cart.id,
        idempotencyKey: randomUUID(),
        email: 'guest@example.com',
        shippingAddress: ADDRESS,
        payment: { token: 'tok_visa' },
      },
    }),
  ).checkout;
  if (placed.userErrors.length) throw new Error(JSON.stringify(placed.userErrors));
  if (options.capture) {
    const captured = dataOf(
      await shop.staff(OrderCaptureDocument, { id: placed.order.id }),
    ).orderCapture;
    if (captured.userErrors.length) throw new Error(JSON.stringify(captured.userErrors));
  }
  return placed.order as {
    id: string;
    number: number;
    total: { amount: number; currency: string };
  };
}

/** Signs in through the login form as a staff member would. */
export async function signIn(
  page: import('playwright-core').Page,
  url: string,
  login: { email: string; password: string },
): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
