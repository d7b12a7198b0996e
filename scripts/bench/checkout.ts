import { randomInt, randomUUID } from 'node:crypto';
import { startPlatform } from '../platform';
import { seedPricing } from '../../subgraphs/pricing/seed';
import { dataOf, postGraphQL, type GraphQLResponse } from '../../platform/testing/graphql-client';
import { benchDatabase, spawnRouter } from './environment';
import { summarize } from './stats';

export interface CheckoutBenchOptions {
  /** Measured seconds per variant. */
  seconds: number;
  /** Seconds each variant runs before it is measured (samples thrown away). */
  warmupSeconds: number;
  /** Concurrent clients, each one cart → checkout after another. */
  clients: number;
  /** Products the carts draw their lines from (one variant each). */
  products: number;
  /** Also run the contended variant: every cart holds the same hot SKU. */
  contended: boolean;
}

const STOCK = 1_000_000;

const ADDRESS = {
  name: 'Ada Lovelace',
  line1: 'Unter den Linden 1',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
};

const CART_CREATE = /* GraphQL */ `
  mutation ($input: CartCreateInput) {
    cartCreate(input: $input) {
      cart {
        id
      }
      userErrors {
        code
      }
    }
  }
`;

const CHECKOUT = /* GraphQL */ `
  mutation ($input: CheckoutInput!) {
    checkout(input: $input) {
      order {
        id
        number
        status
        total {
          amount
          currency
        }
      }
      userErrors {
        code
      }
    }
  }
`;

interface Variant {
  id: string;
  sku: string;
}

/**
 * Checkout throughput and latency, driven like a shop's clients: plain HTTP POSTs to the
 * router, which runs as its own process (subgraphs and clients share this one). Every
 * client loops cartCreate (1-3 lines) → checkout (fresh idempotency key, `tok_visa`).
 * Stock is far above what a run can sell, so nothing runs out: any error is a failure.
 *  - spread: lines drawn from `products` products;
 *  - contended: every cart's first line is the same SKU (one inventory row every
 *    checkout locks), the other lines drawn as above.
 */
export async function checkoutBench(options: CheckoutBenchOptions) {
  process.env.AUTHORIZATION_MODE = 'open';
  // Stopped in reverse order however far the start got.
  const started: (() => Promise<void>)[] = [];
  try {
    const db = await benchDatabase();
    started.push(db.stop);
    const platform = await startPlatform({
      databaseUrl: db.url,
      ports: 'ephemeral',
      background: false,
    });
    started.push(() => platform.stop());
    // The demo markets (EUR, USD, GBP; tax rules, shipping rates), as the tests seed them.
    await seedPricing(platform.subgraphs.pricing!.dataSource, []);
    const router = await spawnRouter(platform.subgraphUrls);
    started.push(() => router.stop());
    const staff = async <T = unknown>(
      query: string,
      variables: Record<string, unknown>,
    ): Promise<T> => {
      const data = dataOf(await postGraphQL(router.url, query, variables));
      const payload = Object.values(data)[0] as { userErrors?: unknown[] };
      if (payload.userErrors?.length)
        throw new Error(`${query}: ${JSON.stringify(payload.userErrors)}`);
      return payload as T;
    };
    // The shop, set up through the router.
    const warehouse = (
      await staff<{ warehouse: { id: string } }>(
        `mutation ($input: WarehouseCreateInput!) { warehouseCreate(input: $input) { warehouse { id } userErrors { code } } }`,
        {
          input: { code: 'BENCH', name: 'Bench', countryCode: 'DE' },
        },
      )
    ).warehouse.id;
    const createVariant = async (sku: string, price: number): Promise<Variant> => {
      const product = (
        await staff<{ product: { variants: Variant[] } }>(
          `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { variants { id sku } } userErrors { code } } }`,
          {
            input: { name: `Bench ${sku}`, variants: [{ sku, title: sku }] },
          },
        )
      ).product;
      const variant = product.variants[0]!;
      await staff(
        `mutation ($input: PriceSetInput!) { priceSet(input: $input) { userErrors { code } } }`,
        {
          input: { variantId: variant.id, sku, currency: 'EUR', amount: price, minQuantity: 1 },
        },
      );
      await staff(
        `mutation ($input: StockReceiveInput!) { stockReceive(input: $input) { inventoryItem { onHand } userErrors { code } } }`,
        {
          input: { sku, warehouseId: warehouse, quantity: STOCK },
        },
      );
      return variant;
    };
    const pool: Variant[] = [];
    for (let i = 0; i < options.products; i++)
      pool.push(await createVariant(`BENCH-${String(i).padStart(3, '0')}`, 990 + i * 10));
    const hot = await createVariant('BENCH-HOT', 2500);

    const variants = {
      spread: null as Variant | null,
      ...(options.contended ? { contended: hot } : {}),
    };
    const results: Record<string, unknown> = {};
    for (const [name, first] of Object.entries(variants)) {
      const linesOf = () => {
        const chosen = new Set<Variant>(first ? [first] : []);
        const count = randomInt(1, 4);
        while (chosen.size < count) chosen.add(pool[randomInt(pool.length)]!);
        return [...chosen].map((v) => ({ variantId: v.id, quantity: randomInt(1, 4) }));
      };
      await run(router.url, options.clients, options.warmupSeconds, linesOf);
      const ordersBefore = await orderCount(platform.subgraphs.orders!.dataSource);
      const measured = await run(router.url, options.clients, options.seconds, linesOf);
      const ordersWritten =
        (await orderCount(platform.subgraphs.orders!.dataSource)) - ordersBefore;
      results[name] = { ...measured, ordersWritten };
    }
    return {
      clients: options.clients,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      products: options.products,
      ...results,
    };
  } finally {
    for (const stop of started.reverse()) await stop().catch((error) => console.error(error));
  }
}

async function orderCount(db: { query(sql: string): Promise<{ n: number }[]> }): Promise<number> {
  return (await db.query(`SELECT count(*)::int AS n FROM orders.customer_order`))[0]!.n;
}

/** `clients` loops for `seconds`; a loop started before the end finishes its round. */
async function run(
  url: string,
  clients: number,
  seconds: number,
  linesOf: () => { variantId: string; quantity: number }[],
) {
  const checkoutMs: number[] = [];
  const roundMs: number[] = [];
  const errors: Record<string, number> = {};
  let checkouts = 0;
  const fail = (step: string, code: string) => {
    const key = `${step}:${code}`;
    errors[key] = (errors[key] ?? 0) + 1;
  };
  /** The payload, or null after counting its first error (GraphQL, user or transport). */
  const call = async <T>(step: string, query: string, input: unknown): Promise<T | null> => {
    let response: GraphQLResponse;
    try {
      response = await postGraphQL(url, query, { input });
    } catch (error) {
      fail(step, (error as { cause?: { code?: string } }).cause?.code ?? 'NETWORK');
      return null;
    }
    if (response.errors?.length) {
      fail(step, String(response.errors[0]!.extensions?.code ?? `HTTP_${response.status}`));
      return null;
    }
    const payload = response.data?.[step] as { userErrors: { code: string }[] } | undefined;
    if (!payload) return (fail(step, 'NO_DATA'), null);
    if (payload.userErrors.length) return (fail(step, payload.userErrors[0]!.code), null);
    return payload as T;
  };

  const started = performance.now();
  const deadline = started + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const roundStart = performance.now();
      const cart = await call<{ cart: { id: string } }>('cartCreate', CART_CREATE, {
        lines: linesOf(),
      });
      if (!cart) continue;
      const checkoutStart = performance.now();
      const checkout = await call<{ order: { status: string } | null }>('checkout', CHECKOUT, {
        cartId: cart.cart.id,
        idempotencyKey: randomUUID(),
        email: 'bench@example.com',
        shippingAddress: ADDRESS,
        payment: { token: 'tok_visa' },
      });
      const end = performance.now();
      if (!checkout) continue;
      if (checkout.order?.status !== 'PENDING')
        fail('checkout', `STATUS_${checkout.order?.status}`);
      checkouts += 1;
      checkoutMs.push(end - checkoutStart);
      roundMs.push(end - roundStart);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - started) / 1000;
  return {
    checkouts,
    elapsedSeconds: Math.round(elapsed * 100) / 100,
    checkoutsPerSecond: Math.round((checkouts / elapsed) * 10) / 10,
    checkoutMs: summarize(checkoutMs),
    cartAndCheckoutMs: summarize(roundMs),
    errors,
  };
}
