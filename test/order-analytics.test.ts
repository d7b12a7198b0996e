import { randomUUID } from 'node:crypto';
import { dataOf } from '../platform/testing/graphql-client';
import {
  AdminDashboardDocument,
  AdminOrdersDocument,
  type AdminDashboardQuery,
  CartCreateDocument,
  CheckoutDocument,
  OrderCancelDocument,
  OrderCaptureDocument,
} from '../sdk';
import { bootstrapAdmin, callerOf, codeOf, staffToken, type Caller } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { ADDRESS, createProduct, createWarehouse, receiveStock } from './support/shop';

/**
 * The dashboard's salesReport through the router, with authorization enforced: orders
 * placed by guests, one cancelled, one in another currency, and a staff member who lacks
 * orders:manage refused.
 */
const ADMIN = { email: 'analytics-root@shop.test', password: 'correct horse battery staple' };
let platform: TestPlatform;
let admin: Caller;
const anonymous = () => callerOf(() => platform.router.url, null);
const US_ADDRESS = {
  name: 'Grace Hopper',
  line1: '1 Main Street',
  city: 'New York',
  postalCode: '10001',
  region: 'NY',
  country: 'US',
};
type Report = AdminDashboardQuery['salesReport'];
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString();

async function placeOrder(lines: { variantId: string; quantity: number }[], currency = 'EUR') {
  const cart = dataOf(await anonymous()(CartCreateDocument, { input: { currency, lines } }))
    .cartCreate.cart!;
  const placed = dataOf(
    await anonymous()(CheckoutDocument, {
      input: {
        cartId: cart.id,
        idempotencyKey: randomUUID(),
        email: 'buyer@example.com',
        shippingAddress: currency === 'USD' ? US_ADDRESS : ADDRESS,
        payment: { token: 'tok_visa' },
      },
    }),
  ).checkout;
  expect(placed.userErrors).toEqual([]);
  return placed.order!;
}

let clearAdmin = (): void => {};
let orders: { id: string; number: number; total: { amount: number } }[] = [];
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  platform = await startTestPlatform('order_analytics', { authorization: 'enforced' });
  admin = callerOf(
    () => platform.router.url,
    await staffToken(anonymous(), ADMIN.email, ADMIN.password),
  );
  const shop = { ...platform, query: admin } as TestPlatform;
  const mug = await createProduct(shop, 'Report Mug', [
    { sku: 'REP-MUG', price: 1500, prices: { EUR: 1500, USD: 1700 } },
  ]);
  const lamp = await createProduct(shop, 'Report Lamp', [{ sku: 'REP-LAMP', price: 4900 }]);
  const warehouse = await createWarehouse(shop, 'REP-1');
  await receiveStock(shop, 'REP-MUG', warehouse, 50);
  await receiveStock(shop, 'REP-LAMP', warehouse, 50);
  const mugId = mug.variants[0]!.id;
  const lampId = lamp.variants[0]!.id;
  orders = [
    await placeOrder([{ variantId: mugId, quantity: 3 }]),
    await placeOrder([
      { variantId: lampId, quantity: 1 },
      { variantId: mugId, quantity: 1 },
    ]),
    await placeOrder([{ variantId: lampId, quantity: 2 }]),
  ];
  await placeOrder([{ variantId: mugId, quantity: 1 }], 'USD');
  const captured = dataOf(await admin(OrderCaptureDocument, { id: orders[0]!.id })).orderCapture;
  expect(captured.userErrors).toEqual([]);
  const cancelled = dataOf(await admin(OrderCancelDocument, { id: orders[2]!.id })).orderCancel;
  expect(cancelled.userErrors).toEqual([]);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  clearAdmin();
});

test('adds up the sales of the range in one currency, cancelled orders left out', async () => {
  const salesReport: Report = dataOf(
    await admin(AdminDashboardDocument, { from: day(-1), to: day(1), currency: 'EUR' }),
  ).salesReport;
  const [first, second, third] = orders;
  const revenue = first!.total.amount + second!.total.amount;
  expect(salesReport.orderCount).toBe(3);
  expect(salesReport.salesCount).toBe(2);
  expect(salesReport.revenue).toEqual({ amount: revenue, currency: 'EUR' });
  expect(salesReport.averageOrderValue.amount).toBe(Math.round(revenue / 2));
  expect(
    Object.fromEntries(salesReport.byStatus.map((s) => [s.status, [s.count, s.total.amount]])),
  ).toEqual({
    CONFIRMED: [1, first!.total.amount],
    PENDING: [1, second!.total.amount],
    CANCELLED: [1, third!.total.amount],
  });
  expect(salesReport.byDay).toEqual([
    { day: new Date().toISOString().slice(0, 10), orders: 2, revenue: salesReport.revenue },
  ]);
  // The mug sold 4 (3 + 1, 60.00); the cancelled lamps do not count, so 1 lamp (49.00).
  expect(salesReport.topProducts.map((p) => [p.sku, p.quantity, p.revenue.amount])).toEqual([
    ['REP-MUG', 4, 6000],
    ['REP-LAMP', 1, 4900],
  ]);
  const usd: Report = dataOf(
    await admin(AdminDashboardDocument, { from: day(-1), to: day(1), currency: 'usd' }),
  ).salesReport;
  expect([usd.currency, usd.orderCount, usd.topProducts.map((p) => p.sku)]).toEqual([
    'USD',
    1,
    ['REP-MUG'],
  ]);
});

test('a range without orders is all zeros, not an error', async () => {
  const { salesReport } = dataOf(
    await admin(AdminDashboardDocument, { from: day(-30), to: day(-20), currency: 'EUR' }),
  );
  expect(salesReport).toMatchObject({
    orderCount: 0,
    salesCount: 0,
    revenue: { amount: 0 },
    averageOrderValue: { amount: 0 },
    byStatus: [],
    byDay: [],
    topProducts: [],
  });
});

test.each([
  [{ from: 'yesterday', to: day(1), currency: 'EUR' }, 'from'],
  [{ from: day(1), to: day(-1), currency: 'EUR' }, 'to'],
  [{ from: day(-400), to: day(0), currency: 'EUR' }, 'to'],
  [{ from: day(-1), to: day(0), currency: 'EURO' }, 'currency'],
])('bad input %j is BAD_USER_INPUT naming %s', async (variables, field) => {
  const response = await admin(AdminDashboardDocument, variables);
  expect(codeOf(response)).toBe('BAD_USER_INPUT');
  expect(response.errors![0]!.extensions!.field).toBe(field);
});

test('only staff with orders:manage see it', async () => {
  const variables = { from: day(-1), to: day(1), currency: 'EUR' };
  expect(codeOf(await anonymous()(AdminDashboardDocument, variables))).toBe('UNAUTHENTICATED');
  const role = dataOf(
    await admin(
      `mutation { roleSetPermissions(role: "catalog_only", permissions: ["catalog:write"]) { userErrors { code } } }`,
    ),
  ).roleSetPermissions;
  expect(role.userErrors).toEqual([]);
  const created = dataOf(
    await admin(
      `mutation { staffCreate(input: { email: "catalog@shop.test", name: "Cat", password: "long enough password", roles: ["catalog_only"] }) { userErrors { code } } }`,
    ),
  ).staffCreate;
  expect(created.userErrors).toEqual([]);
  const catalogStaff = callerOf(
    () => platform.router.url,
    await staffToken(anonymous(), 'catalog@shop.test', 'long enough password'),
  );
  expect(codeOf(await catalogStaff(AdminDashboardDocument, variables))).toBe('FORBIDDEN');
});

// The admin's order list search, on this file's orders (number, email prefix, in a status).
test('orders(search:) finds an order by number or by the start of the email', async () => {
  const search = async (variables: Record<string, unknown>) =>
    dataOf(await admin(AdminOrdersDocument, variables)).orders;
  const first = orders[0]!;
  const byNumber = await search({ search: `#${first.number}` });
  expect(byNumber.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([first.id]);
  expect((await search({ search: String(first.number) })).totalCount).toBe(1);
  expect((await search({ search: 'BUYER@EX' })).totalCount).toBe(4);
  expect((await search({ search: 'buyer@example.com', status: 'CANCELLED' })).totalCount).toBe(1);
  // LIKE's wildcards are the characters themselves, not patterns.
  expect((await search({ search: '%' })).totalCount).toBe(0);
  expect((await search({ search: 'b_yer' })).totalCount).toBe(0);
  expect(codeOf(await admin(AdminOrdersDocument, { search: 'x'.repeat(201) }))).toBe(
    'BAD_USER_INPUT',
  );
});
