/**
 * `npm run bench [scenario…]`: measured figures for the README. Scenarios: subscriptions.
 * Runs against DATABASE_URL's server (a fresh database) or an embedded PostgreSQL.
 */
import { subscriptionBench } from './bench/subscriptions';

const scenarios: Record<string, () => Promise<unknown>> = {
  subscriptions: () =>
    subscriptionBench({
      changes: Number(process.env.BENCH_CHANGES ?? 300),
      subscribers: (process.env.BENCH_SUBSCRIBERS ?? '100,1000,5000').split(',').map(Number),
    }),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const name of wanted.length ? wanted : Object.keys(scenarios)) {
    const run = scenarios[name];
    if (!run) throw new Error(`Unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
    console.log(`\n== ${name} ==`);
    console.log(JSON.stringify(await run(), null, 2));
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
