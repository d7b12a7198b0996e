import { createClient, type Client } from 'graphql-ws';
import type { ClientRequestArgs } from 'node:http';
import WebSocket from 'ws';
import { BENCH_ADMIN, LOAD_ADDRESS } from './harness/platform';
import { deployedBench } from './harness/deployed';
import { Started } from './harness/processes';
import { benchSetup } from './harness/setup';
import { benchWarehouse, staffCaller } from './harness/staff';
import { summarize } from './stats';

const SKU = 'BENCH-LIVE';
const SUBSCRIPTION = `subscription { stockAvailabilityChanged(sku: "${SKU}") { availableQuantity } }`;

/** Clients connect from LOAD_ADDRESS, which the bench router's rate limits exempt. */
class LoadSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[], options: ClientRequestArgs = {}) {
    super(url, protocols, { ...options, localAddress: LOAD_ADDRESS });
  }
}

/**
 * Subscription figures, the platform as deployed (harness/platform.ts: every subgraph and
 * the router in its own process, compiled to dist/ as the production image runs it,
 * NODE_ENV=production, LOG_LEVEL=warn, events through Redis Streams). Clients subscribe
 * anonymously to the storefront's public `stockAvailabilityChanged`, one WebSocket each,
 * from this process; staff change the stock through the router (`stockAdjust`), and the
 * clock starts when that mutation has answered (it commits before it answers):
 *  - commit → client: one subscriber, changes one after another;
 *  - for each subscriber count, the router's memory and one change fanned out to all of
 *    them (5 changes; latency of every arrival).
 */
export async function subscriptionBench(options: { changes: number; subscribers: number[] }) {
  const started = new Started();
  const clients: Client[] = [];
  try {
    const { platform, redis } = await deployedBench(started, {
      routerEnv: { MAX_SUBSCRIPTIONS: '100000' },
      compiled: true,
    });
    const setup = benchSetup({ REDIS_URL: redis });
    const staff = await staffCaller(platform.routerUrl, BENCH_ADMIN);
    const warehouse = await benchWarehouse(staff);
    // Inventory receives only SKUs that catalog knows.
    await staff(
      `mutation ($input: ProductCreateInput!) { productCreate(input: $input) { product { id } userErrors { code } } }`,
      { input: { name: 'Bench live stock', variants: [{ sku: SKU, title: 'Bench' }] } },
    );
    let available = 1_000_000;
    await staff(
      `mutation ($input: StockReceiveInput!) { stockReceive(input: $input) { userErrors { code } } }`,
      { input: { sku: SKU, warehouseId: warehouse, quantity: available } },
    );
    const change = async (): Promise<number> => {
      await staff(
        `mutation ($input: StockAdjustInput!) { stockAdjust(input: $input) { userErrors { code } } }`,
        { input: { sku: SKU, warehouseId: warehouse, delta: -1, reason: 'bench' } },
      );
      available -= 1;
      return performance.now();
    };

    const subscribe = (onEvent: (available: number) => void): Promise<void> =>
      new Promise((ready, fail) => {
        const client = createClient({
          url: platform.routerUrl.replace(/^http/, 'ws'),
          webSocketImpl: LoadSocket,
          retryAttempts: 0,
        });
        clients.push(client);
        let first = true;
        client.subscribe<{ stockAvailabilityChanged: { availableQuantity: number } }>(
          { query: SUBSCRIPTION },
          {
            next: (result) => {
              if (!result.data) return fail(new Error(JSON.stringify(result.errors)));
              // The first event is the stock as it is: the subscription is open.
              if (first) {
                first = false;
                return ready();
              }
              onEvent(result.data.stockAvailabilityChanged.availableQuantity);
            },
            error: fail,
            complete: () => {},
          },
        );
      });

    // 1. One subscriber, changes one after another: commit → client.
    const latencies: number[] = [];
    let waiting: { value: number; done: (at: number) => void } | null = null;
    await subscribe((value) => {
      if (waiting?.value === value) waiting.done(performance.now());
    });
    for (let i = 0; i < options.changes; i++) {
      const arrived = new Promise<number>((done) => {
        waiting = { value: available - 1, done };
      });
      const committedAt = await change();
      latencies.push((await arrived) - committedAt);
    }
    waiting = null;
    const single = summarize(latencies);

    // 2. Many subscribers on one router process: memory, and one change fanned out to all.
    const fanOut: {
      subscribers: number;
      routerRssMiB: number;
      latencyMs: ReturnType<typeof summarize>;
    }[] = [];
    const baselineRss = platform.router.rssMiB();
    let arrivals: number[] = [];
    let target = 0;
    let expected = 0;
    let allArrived: () => void = () => {};
    // The single-latency subscriber above stays open and counts among the subscribers.
    let open = clients.length;
    for (const count of options.subscribers) {
      const batch: Promise<void>[] = [];
      for (; open < count; open++) {
        batch.push(
          subscribe((value) => {
            if (value !== target) return;
            arrivals.push(performance.now());
            if (arrivals.length === expected) allArrived();
          }),
        );
        if (batch.length === 200) await Promise.all(batch.splice(0));
      }
      await Promise.all(batch);
      expected = open - 1;
      const rounds: number[] = [];
      for (let round = 0; round < 5; round++) {
        arrivals = [];
        target = available - 1;
        const done = new Promise<void>((resolve) => (allArrived = resolve));
        const committedAt = await change();
        await done;
        rounds.push(...arrivals.map((at) => at - committedAt));
      }
      fanOut.push({
        subscribers: count,
        routerRssMiB: platform.router.rssMiB(),
        latencyMs: summarize(rounds),
      });
    }
    return {
      setup,
      commitToClientMs: single,
      routerBaselineRssMiB: baselineRss,
      fanOut,
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await started.stopAll();
  }
}
