import { dataOf } from '../../platform/testing/graphql-client';
import { OrderCaptureDocument, OrderFulfillDocument, OrderMarkDeliveredDocument } from '../../sdk';
import {
  guestOrder,
  screenshots,
  seriousViolations,
  shopper,
  startStorefrontWorld,
  type StorefrontWorld,
} from './support/storefront-browser';

/**
 * The order-status page a guest opens from checkout follows the order live
 * (`orderUpdated`): staff capture, fulfil and deliver it through the router while the page
 * stays open, and each step shows up without a reload.
 */
let world: StorefrontWorld;

beforeAll(async () => {
  world = await startStorefrontWorld('storefront-tracking');
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

test('the tracking page updates live as staff capture, fulfil and deliver the order', async () => {
  const order = await guestOrder(world.platform, 'storefront-tracking-0001');
  const { page, context, errors } = await shopper(world);
  await page.goto(
    `${world.storefront.url}/orders/${order.id}?token=${encodeURIComponent(order.accessToken)}`,
  );
  const status = page.getByTestId('order-status');
  await status.getByText('waiting for payment').waitFor();
  await page.getByText('Updates live.').waitFor();
  // A mark on this document: a reload or navigation would drop it.
  await page.evaluate('window.__sameDocument = true');
  expect(await seriousViolations(page)).toEqual([]);

  const captured = dataOf(await world.platform.query(OrderCaptureDocument, { id: order.id }));
  expect(captured.orderCapture.userErrors).toEqual([]);
  await status.getByText('Payment taken, preparing your parcel').waitFor();
  await page
    .getByTestId('payment')
    .getByText(/Payment captured/)
    .waitFor();
  // The warehouse takes the paid order in the background (fulfillment hears it confirmed):
  // its parcel shows up live too. Staff ship it only once it is assigned, as a warehouse
  // would; a staff override before that ships the order without one (fulfillment closes it).
  await page.getByTestId('fulfillment').first().waitFor();

  const fulfilled = dataOf(await world.platform.query(OrderFulfillDocument, { id: order.id }));
  expect(fulfilled.orderFulfill.userErrors).toEqual([]);
  await status.getByText('Shipped').waitFor();
  await page.getByTestId('fulfillment').first().waitFor();
  await screenshots(page, 'tracking', { docs: true });

  const delivered = dataOf(
    await world.platform.query(OrderMarkDeliveredDocument, { id: order.id }),
  );
  expect(delivered.orderMarkDelivered.userErrors).toEqual([]);
  await status.getByText('Delivered').waitFor();
  // Each step was an update of the open page: it was never reloaded.
  expect(await page.evaluate('window.__sameDocument === true')).toBe(true);

  expect(errors).toEqual([]);
  await context.close();
}, 240_000);
