/**
 * `npm run bench [scenario…]`: measured figures for the README. Scenarios: subscriptions, checkout, coupons, gateway.
 * Runs against DATABASE_URL's server (a fresh database) or an embedded PostgreSQL.
 */
import { checkoutBench } from './bench/checkout';
import { couponBench } from './bench/coupons';
import { gatewayComparisonBench } from './bench/gateway-comparison';
import { subscriptionBench } from './bench/subscriptions';

const scenarios: Record<string, () => Promise<unknown>> = {
  subscriptions: () =>
    subscriptionBench({
      changes: Number(process.env.BENCH_CHANGES ?? 300),
      subscribers: (process.env.BENCH_SUBSCRIBERS ?? '100,1000,5000').split(',').map(Number),
    }),
  checkout: () =>
    checkoutBench({
      seconds: Number(process.env.BENCH_CHECKOUT_SECONDS ?? 20),
      warmupSeconds: Number(process.env.BENCH_CHECKOUT_WARMUP_SECONDS ?? 3),
      clients: Number(process.env.BENCH_CHECKOUT_CLIENTS ?? 20),
      products: Number(process.env.BENCH_CHECKOUT_PRODUCTS ?? 50),
      contended: process.env.BENCH_CHECKOUT_CONTENDED !== '0',
    }),
  coupons: () =>
    couponBench({
      count: Number(process.env.BENCH_COUPONS ?? 10_000),
      rounds: Number(process.env.BENCH_COUPON_ROUNDS ?? 5),
    }),
  gateway: () =>
    gatewayComparisonBench({
      seconds: Number(process.env.BENCH_GATEWAY_SECONDS ?? 10),
      warmupSeconds: Number(process.env.BENCH_GATEWAY_WARMUP_SECONDS ?? 2),
      concurrency: Number(process.env.BENCH_GATEWAY_CONCURRENCY ?? 20),
      rounds: Number(process.env.BENCH_GATEWAY_ROUNDS ?? 3),
    }),
};

async function main(): Promise<void> {
  // A log line per request would be most of what a benchmark measures.
  process.env.LOG_LEVEL ??= 'warn';
  const wanted = process.argv.slice(2);
  for (const name of wanted.length ? wanted : Object.keys(scenarios)) {
    const run = scenarios[name];
    if (!run)
      throw new Error(`Unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
    console.log(`\n== ${name} ==`);
    console.log(JSON.stringify(await run(), null, 2));
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
