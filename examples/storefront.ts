/**
 * `npm run example`: a storefront and a staff tool, both written with nothing but the SDK,
 * against a running platform (`npm start`):
 *
 *   browse → product page → cart → (no discount code) → checkout → follow the order live
 *   (orderUpdated) while staff capture the payment, ship and mark it delivered.
 *
 * COMMERCE_URL (default http://localhost:4000/graphql) points at the router;
 * COMMERCE_STAFF_TOKEN is sent by the staff client when set (npm start runs with
 * AUTHORIZATION_MODE=open until identity issues staff tokens). Exits 0 once the order
 * is DELIVERED, 1 on any failure or after EXAMPLE_TIMEOUT_MS (60 s).
 */
import { randomUUID } from 'node:crypto';
import {
  CartCreateDocument,
  CartDiscountCodesUpdateDocument,
  CheckoutDocument,
  createCommerceClient,
  type MoneyFieldsFragment,
  OrderCaptureDocument,
  OrderFulfillDocument,
  OrderMarkDeliveredDocument,
  type OrderStatus,
  OrderUpdatedDocument,
  ProductBySlugDocument,
  ProductsDocument,
  type ProductsQuery,
  type UserErrorFieldsFragment,
} from '../sdk/node';

const url = process.env.COMMERCE_URL || 'http://localhost:4000/graphql';
const timeoutMs = Number(process.env.EXAMPLE_TIMEOUT_MS ?? 60_000);

const shop = createCommerceClient({ url });
const staff = createCommerceClient({ url, getToken: () => process.env.COMMERCE_STAFF_TOKEN });

function money({ amount, currency }: MoneyFieldsFragment): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

/** Mutations report business failures as userErrors: treat any as fatal here. */
function ok<T extends { userErrors: UserErrorFieldsFragment[] }>(what: string, payload: T): T {
  if (payload.userErrors.length) {
    throw new Error(
      `${what}: ${payload.userErrors.map((e) => `${e.code} ${e.message}`).join('; ')}`,
    );
  }
  return payload;
}

async function main(): Promise<void> {
  // Browse: the catalog page by page until a product is in stock and priced.
  let after: string | null = null;
  let slug: string | null = null;
  for (let page = 0; page < 5 && !slug; page += 1) {
    const { products }: ProductsQuery = await shop.request(ProductsDocument, { first: 50, after });
    if (page === 0)
      console.log(
        `browse: ${products.totalCount} products, e.g. ${products.edges
          .slice(0, 3)
          .map((e) => e.node.name)
          .join(', ')}`,
      );
    slug =
      products.edges.find(({ node }) => node.availability?.inStock && node.priceRange)?.node.slug ??
      null;
    if (!products.pageInfo.hasNextPage) break;
    after = products.pageInfo.endCursor ?? null;
  }
  if (!slug) throw new Error('no product in stock with a price');

  // Product page: pick a variant that can be bought.
  const { product } = await shop.request(ProductBySlugDocument, { slug });
  const variant = product?.variants.find((v) => (v.availableQuantity ?? 0) > 0 && v.price);
  if (!product || !variant?.price) throw new Error(`product ${slug} has nothing to sell`);
  console.log(
    `product: ${product.name} / ${variant.title} (${variant.sku}) at ${money(variant.price)}, ${variant.availableQuantity} available`,
  );

  // Cart, then the discount code step with no code.
  const created = ok(
    'cartCreate',
    (
      await shop.request(CartCreateDocument, {
        input: { lines: [{ variantId: variant.id, quantity: 1 }] },
      })
    ).cartCreate,
  );
  const cartId = created.cart!.id;
  const { cart } = ok(
    'cartDiscountCodesUpdate',
    (await shop.request(CartDiscountCodesUpdateDocument, { cartId, discountCodes: [] }))
      .cartDiscountCodesUpdate,
  );
  const cost = cart!.cost;
  console.log(
    `cart: ${cart!.totalQuantity} item(s), subtotal ${money(cost.subtotal)}, discounts ${money(cost.discountTotal)}, ` +
      `shipping ${money(cost.shipping)}, tax ${money(cost.tax)}, total ${money(cost.total)}`,
  );

  // Checkout: the total the buyer saw is the total they agree to pay.
  const placed = ok(
    'checkout',
    (
      await shop.request(CheckoutDocument, {
        input: {
          cartId,
          idempotencyKey: randomUUID(),
          email: 'ada@example.com',
          shippingAddress: {
            name: 'Ada Lovelace',
            line1: 'Unter den Linden 1',
            city: 'Berlin',
            postalCode: '10117',
            country: 'DE',
          },
          payment: { token: 'tok_visa' },
          expectedTotal: { amount: cost.total.amount, currency: cost.total.currency },
        },
      })
    ).checkout,
  );
  const order = placed.order!;
  console.log(`checkout: order #${order.number} placed, ${money(order.total)}`);

  // Follow the order live; staff move it on as each state shows up.
  const staffStep: Partial<Record<OrderStatus, () => Promise<unknown>>> = {
    PENDING: () =>
      staff
        .request(OrderCaptureDocument, { id: order.id })
        .then((r) => ok('orderCapture', r.orderCapture)),
    CONFIRMED: () =>
      staff
        .request(OrderFulfillDocument, { id: order.id })
        .then((r) => ok('orderFulfill', r.orderFulfill)),
    FULFILLED: () =>
      staff
        .request(OrderMarkDeliveredDocument, { id: order.id })
        .then((r) => ok('orderMarkDelivered', r.orderMarkDelivered)),
  };
  const seen = new Set<OrderStatus>();
  for await (const { orderUpdated } of shop.subscribe(OrderUpdatedDocument, { id: order.id })) {
    const status = orderUpdated.status;
    if (seen.has(status)) continue;
    seen.add(status);
    const payment = orderUpdated.payments?.at(-1);
    console.log(
      `state: ${status} (order #${orderUpdated.number}` +
        (payment ? `, payment ${payment.status}, captured ${money(payment.capturedAmount)}` : '') +
        ')',
    );
    if (status === 'DELIVERED') break;
    const step = staffStep[status];
    if (step) await step();
  }
  if (!seen.has('DELIVERED'))
    throw new Error('the subscription ended before the order was delivered');
  console.log(`done: ${[...seen].join(' → ')}`);
}

const deadline = setTimeout(() => {
  console.error(`example: timed out after ${timeoutMs} ms`);
  process.exit(1);
}, timeoutMs);

main()
  .then(async () => {
    clearTimeout(deadline);
    await Promise.all([shop.close(), staff.close()]);
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    console.error(`example failed: ${error instanceof Error ? error.message : String(error)}`);
    await Promise.all([shop.close(), staff.close()]).catch(() => {});
    process.exit(1);
  });
