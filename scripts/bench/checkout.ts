import { DataSource } from 'typeorm';
import { seedPricing } from '../../subgraphs/pricing/seed';
import { seedShipping } from '../../subgraphs/shipping/seed';
import { interleavedRounds, startLoadProcess, summarizeRounds, type Target } from './harness/load';
import { BENCH_ADMIN, LOAD_ADDRESS, PRODUCTION_ENV } from './harness/platform';
import { deployedBench } from './harness/deployed';
import { Started } from './harness/processes';
import { benchSetup } from './harness/setup';
import { benchWarehouse, staffCaller } from './harness/staff';

export interface CheckoutBenchOptions {
  /** Measured seconds per variant and round. */
  seconds: number;
  /** Seconds each variant runs once before the rounds (not measured). */
  warmupSeconds: number;
  /** Rounds; the variants take turns within each. */
  rounds: number;
  /** Concurrent clients, each one cart → checkout after another. */
  clients: number;
  /** Products the carts draw their lines from (one variant each). */
  products: number;
  /** Also run the contended variant: every cart holds the same hot SKU. */
  contended: boolean;
}

const STOCK = 1_000_000;

/**
 * `npm run bench -- checkout`: checkout throughput and latency, the platform deployed as
 * in production (harness/platform.ts: each subgraph and the router in its own process,
 * NODE_ENV=production, LOG_LEVEL=warn, events through Redis) and driven from a separate
 * load process (harness/load-worker.ts) whose address alone the router's rate limits
 * exempt. Every client loops cartCreate (1-3 lines) → checkout (fresh idempotency key,
 * `tok_visa`). Stock is far above what a run can sell: any error is a failure.
 *  - spread: lines drawn from `products` products;
 *  - contended: every cart's first line is the same SKU (one inventory row every
 *    checkout locks), the other lines drawn as above.
 * The shop is set up through the router by the bootstrap staff admin.
 */
export async function checkoutBench(options: CheckoutBenchOptions) {
  const started = new Started();
  try {
    const { platform, sql } = await deployedBench(started);
    // The demo markets (EUR, USD, GBP; tax rules; shipping zones and rates), as the tests seed them.
    await seedPricing(sql, []);
    await seedShipping(sql);

    const staff = await staffCaller(platform.routerUrl, BENCH_ADMIN);
    const warehouse = await benchWarehouse(staff);
    const createVariant = async (sku: string, price: number): Promise<string> => {
      const product = (
        await staff<{ product: { variants: { id: string }[] } }>(
          `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { variants { id } } userErrors { code } } }`,
          { input: { name: `Bench ${sku}`, variants: [{ sku, title: sku }] } },
        )
      ).product;
      const variantId = product.variants[0]!.id;
      await staff(
        `mutation ($input: PriceSetInput!) { priceSet(input: $input) { userErrors { code } } }`,
        { input: { variantId, sku, currency: 'EUR', amount: price, minQuantity: 1 } },
      );
      await staff(
        `mutation ($input: StockReceiveInput!) { stockReceive(input: $input) { inventoryItem { onHand } userErrors { code } } }`,
        { input: { sku, warehouseId: warehouse, quantity: STOCK } },
      );
      return variantId;
    };
    const pool: string[] = [];
    for (let i = 0; i < options.products; i++)
      pool.push(await createVariant(`BENCH-${String(i).padStart(3, '0')}`, 990 + i * 10));
    const hot = await createVariant('BENCH-HOT', 2500);

    const processes = [platform.router, ...Object.values(platform.subgraphs)];
    const targets: Record<string, Target> = {
      spread: {
        url: platform.routerUrl,
        workload: { kind: 'checkout', variants: pool },
        measure: processes,
      },
      ...(options.contended
        ? {
            contended: {
              url: platform.routerUrl,
              workload: { kind: 'checkout' as const, variants: pool, hot },
              measure: processes,
            },
          }
        : {}),
    };
    const load = started.add(await startLoadProcess());
    const setup = benchSetup({
      ...PRODUCTION_ENV,
      RATE_LIMIT: `on, load address ${LOAD_ADDRESS} exempt (RATE_LIMIT_EXEMPT_IPS)`,
      pubsub: process.env.REDIS_URL ? 'REDIS_URL' : 'private redis-server',
    });
    const ordersBefore = await orderCount(sql);
    const rounds = await interleavedRounds(load, targets, options);
    const ordersWritten = (await orderCount(sql)) - ordersBefore;
    return {
      setup: {
        ...setup,
        processes: `router + ${Object.keys(platform.subgraphs).length} subgraphs, each its own process; load from its own process`,
        clients: options.clients,
        rounds: `${options.rounds} × ${options.seconds} s per variant, interleaved, after ${options.warmupSeconds} s warm-up each`,
        products: options.products,
      },
      // Samples are whole cart + checkout rounds; CPU is summed over router and subgraphs.
      cartAndCheckout: Object.fromEntries(
        Object.entries(rounds).map(([name, list]) => [name, summarizeRounds(list)]),
      ),
      ordersWrittenInRounds: ordersWritten,
    };
  } finally {
    await started.stopAll();
  }
}

async function orderCount(db: DataSource): Promise<number> {
  const rows = (await db.query(`SELECT count(*)::int AS n FROM orders.customer_order`)) as {
    n: number;
  }[];
  return rows[0]!.n;
}
