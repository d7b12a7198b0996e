// First: every module that logs reads LOG_LEVEL when it loads.
import './bench/log-level';
/**
 * `npm run bench [scenario…]`: measured figures for the README. Scenarios: subscriptions, checkout, checkout-counts, reservations, coupons, gateway, gateways, revocation, search.
 * Runs against DATABASE_URL's server (a fresh database) or an embedded PostgreSQL.
 */
import { ConfigError, loadConfig, runMain, setting } from '../platform/config';
import { checkoutBench } from './bench/checkout';
import { checkoutCountBench } from './bench/checkout-counts';
import { couponBench } from './bench/coupons';
import { gatewayComparisonBench } from './bench/gateway-comparison';
import { gatewaysBench } from './bench/gateways';
import { reservationBench } from './bench/reservations';
import { revocationBench } from './bench/revocation';
import { searchBench } from './bench/search';
import { subscriptionBench } from './bench/subscriptions';

function scenariosFromEnv(): Record<string, () => Promise<unknown>> {
  const config = loadConfig({
    BENCH_CHANGES: setting.int(300, { min: 1 }),
    BENCH_SUBSCRIBERS: setting.list(['1000', '5000', '10000']),
    BENCH_CHECKOUT_SECONDS: setting.int(10, { min: 1 }),
    // Sixteen processes have just started: the first seconds under load are still JIT
    // compilation and start-up work (measured: 210 ms of CPU per checkout in a first 10 s
    // round, 150 ms in the third), not the steady state a shop runs in.
    BENCH_CHECKOUT_WARMUP_SECONDS: setting.int(15, { min: 0 }),
    BENCH_CHECKOUT_CLIENTS: setting.int(20, { min: 1 }),
    BENCH_CHECKOUT_PRODUCTS: setting.int(50, { min: 1 }),
    BENCH_CHECKOUT_CONTENDED: setting.bool(true),
    BENCH_CHECKOUT_ROUNDS: setting.int(3, { min: 1 }),
    BENCH_RESERVE_SECONDS: setting.int(10, { min: 1 }),
    BENCH_RESERVE_WARMUP_SECONDS: setting.int(3, { min: 0 }),
    BENCH_RESERVE_CLIENTS: setting.int(20, { min: 1 }),
    BENCH_RESERVE_ROUNDS: setting.int(3, { min: 1 }),
    BENCH_COUNT_ROUNDS: setting.int(40, { min: 1 }),
    BENCH_COUNT_WARMUP: setting.int(10, { min: 0 }),
    BENCH_COUNT_TRACE: setting.optionalString(),
    BENCH_COUPONS: setting.int(10_000, { min: 1 }),
    BENCH_COUPON_ROUNDS: setting.int(5, { min: 1 }),
    BENCH_GATEWAY_SECONDS: setting.int(10, { min: 1 }),
    BENCH_GATEWAY_WARMUP_SECONDS: setting.int(2, { min: 0 }),
    BENCH_GATEWAY_CONCURRENCY: setting.int(20, { min: 1 }),
    BENCH_GATEWAY_ROUNDS: setting.int(3, { min: 1 }),
    BENCH_GATEWAYS_SECONDS: setting.int(10, { min: 1 }),
    BENCH_GATEWAYS_WARMUP_SECONDS: setting.int(3, { min: 0 }),
    BENCH_GATEWAYS_CONNECTIONS: setting.int(50, { min: 1 }),
    BENCH_GATEWAYS_ROUNDS: setting.int(3, { min: 1 }),
    BENCH_GATEWAYS_MAX_COST: setting.int(1_000_000, { min: 1 }),
    BENCH_REVOCATION_SECONDS: setting.int(10, { min: 1 }),
    BENCH_REVOCATION_WARMUP_SECONDS: setting.int(2, { min: 0 }),
    BENCH_REVOCATION_CONCURRENCY: setting.int(20, { min: 1 }),
    BENCH_REVOCATION_ROUNDS: setting.int(3, { min: 1 }),
    // More sessions than requests in 2 s: most requests miss the router's cache.
    BENCH_REVOCATION_SESSIONS: setting.int(500, { min: 1, max: 5000 }),
    BENCH_SEARCH_VARIANTS: setting.int(100_000, { min: 4 }),
    BENCH_SEARCH_SAMPLES: setting.int(200, { min: 1 }),
  });

  const subscriberCounts = config.BENCH_SUBSCRIBERS.map((n) => {
    if (!/^\d+$/.test(n)) throw new ConfigError([`BENCH_SUBSCRIBERS: ${n} is not a count`]);
    // The fan-out is measured on the subscribers beside the commit → client one.
    if (Number(n) < 2) throw new ConfigError([`BENCH_SUBSCRIBERS: ${n} is below 2`]);
    return Number(n);
  });

  return {
    subscriptions: () =>
      subscriptionBench({ changes: config.BENCH_CHANGES, subscribers: subscriberCounts }),
    checkout: () =>
      checkoutBench({
        seconds: config.BENCH_CHECKOUT_SECONDS,
        warmupSeconds: config.BENCH_CHECKOUT_WARMUP_SECONDS,
        clients: config.BENCH_CHECKOUT_CLIENTS,
        rounds: config.BENCH_CHECKOUT_ROUNDS,
        products: config.BENCH_CHECKOUT_PRODUCTS,
        contended: config.BENCH_CHECKOUT_CONTENDED,
      }),
    'checkout-counts': () =>
      checkoutCountBench({
        rounds: config.BENCH_COUNT_ROUNDS,
        warmup: config.BENCH_COUNT_WARMUP,
        traceSubgraph: config.BENCH_COUNT_TRACE,
      }),
    reservations: () =>
      reservationBench({
        seconds: config.BENCH_RESERVE_SECONDS,
        warmupSeconds: config.BENCH_RESERVE_WARMUP_SECONDS,
        clients: config.BENCH_RESERVE_CLIENTS,
        rounds: config.BENCH_RESERVE_ROUNDS,
      }),
    coupons: () => couponBench({ count: config.BENCH_COUPONS, rounds: config.BENCH_COUPON_ROUNDS }),
    gateway: () =>
      gatewayComparisonBench({
        seconds: config.BENCH_GATEWAY_SECONDS,
        warmupSeconds: config.BENCH_GATEWAY_WARMUP_SECONDS,
        concurrency: config.BENCH_GATEWAY_CONCURRENCY,
        rounds: config.BENCH_GATEWAY_ROUNDS,
      }),
    gateways: () =>
      gatewaysBench({
        seconds: config.BENCH_GATEWAYS_SECONDS,
        warmupSeconds: config.BENCH_GATEWAYS_WARMUP_SECONDS,
        connections: config.BENCH_GATEWAYS_CONNECTIONS,
        rounds: config.BENCH_GATEWAYS_ROUNDS,
        maxCost: config.BENCH_GATEWAYS_MAX_COST,
      }),
    revocation: () =>
      revocationBench({
        seconds: config.BENCH_REVOCATION_SECONDS,
        warmupSeconds: config.BENCH_REVOCATION_WARMUP_SECONDS,
        concurrency: config.BENCH_REVOCATION_CONCURRENCY,
        rounds: config.BENCH_REVOCATION_ROUNDS,
        sessions: config.BENCH_REVOCATION_SESSIONS,
      }),
    search: () =>
      searchBench({ variants: config.BENCH_SEARCH_VARIANTS, samples: config.BENCH_SEARCH_SAMPLES }),
  };
}

async function main(): Promise<void> {
  const scenarios = scenariosFromEnv();
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

runMain(main, (msg, error) => console.error(msg, error));
