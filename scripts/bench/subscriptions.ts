import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { InventoryService } from '../../subgraphs/inventory/service';
import { startPlatform } from '../platform';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { benchDatabase, spawnRouter } from './environment';
import { summarize } from './stats';

/**
 * Subscription figures:
 *  - latency from commit to client: a stock change is committed by the inventory service
 *    (the call returns after COMMIT), and the clock stops when the client's WebSocket
 *    delivers the event, which went outbox → relay → pub/sub → subgraph → router → client;
 *  - how many concurrent subscribers one router process holds, and its memory, with the
 *    latency of one change fanned out to all of them.
 * The router runs as its own process; subgraphs and clients share this one.
 */
export async function subscriptionBench(options: { changes: number; subscribers: number[] }) {
  process.env.AUTHORIZATION_MODE = 'open';
  const db = await benchDatabase();
  const platform = await startPlatform({
    databaseUrl: db.url,
    ports: 'ephemeral',
    background: false,
  });
  const router = await spawnRouter(platform.subgraphUrls, {
    MAX_SUBSCRIPTIONS: '100000',
    MAX_QUEUED_EVENTS: '1000',
  });
  const inventory = (platform.subgraphs.inventory!.services as { inventory: InventoryService })
    .inventory;
  const clients: Client[] = [];
  try {
    const warehouse = dataOf(
      await postGraphQL(
        router.url,
        `mutation { warehouseCreate(input: { code: "BENCH", name: "Bench", countryCode: "DE" }) { warehouse { id } } }`,
      ),
    ).warehouseCreate.warehouse.id as string;
    // Inventory receives only SKUs that catalog knows.
    await postGraphQL(
      router.url,
      `mutation { productCreate(input: { name: "Bench", variants: [{ sku: "BENCH-SKU", title: "Bench" }] }) { product { id } } }`,
    );
    await inventory.changes.receiveStock({
      sku: 'BENCH-SKU',
      warehouseId: warehouse,
      quantity: 1_000_000,
    });

    const subscribe = (onEvent: (onHand: number) => void): Promise<void> =>
      new Promise((ready, fail) => {
        const client = createClient({
          url: router.url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          retryAttempts: 0,
        });
        clients.push(client);
        let first = true;
        client.subscribe<{ inventoryChanged: { onHand: number } }>(
          { query: `subscription { inventoryChanged(sku: "BENCH-SKU") { onHand } }` },
          {
            next: (result) => {
              if (first) {
                first = false;
                return ready();
              }
              onEvent(result.data!.inventoryChanged.onHand);
            },
            error: fail,
            complete: () => {},
          },
        );
      });

    // 1. One subscriber, changes one after another: commit → client.
    const latencies: number[] = [];
    let expect: { onHand: number; committedAt: number; done: () => void } | null = null;
    await subscribe((onHand) => {
      if (expect && onHand === expect.onHand) {
        latencies.push(performance.now() - expect.committedAt);
        expect.done();
      }
    });
    let onHand = 1_000_000;
    for (let i = 0; i < options.changes; i++) {
      const arrived = new Promise<void>((done) => {
        expect = { onHand: onHand - 1, committedAt: 0, done };
      });
      await inventory.changes.adjustStock({
        sku: 'BENCH-SKU',
        warehouseId: warehouse,
        delta: -1,
        reason: 'bench',
      });
      expect!.committedAt = performance.now();
      onHand -= 1;
      await arrived;
    }
    const single = summarize(latencies);

    // 2. Many subscribers on one router process: memory, and one change fanned out to all.
    const fanOut: {
      subscribers: number;
      routerRssMiB: number;
      latencyMs: ReturnType<typeof summarize>;
    }[] = [];
    const baselineRss = router.rssMiB();
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
            if (value === target) {
              arrivals.push(performance.now());
              if (arrivals.length === expected) allArrived();
            }
          }),
        );
        if (batch.length === 200) await Promise.all(batch.splice(0));
      }
      await Promise.all(batch);
      expected = open - 1;
      const rounds: number[] = [];
      for (let round = 0; round < 5; round++) {
        arrivals = [];
        target = onHand - 1;
        const done = new Promise<void>((resolve) => (allArrived = resolve));
        await inventory.changes.adjustStock({
          sku: 'BENCH-SKU',
          warehouseId: warehouse,
          delta: -1,
          reason: 'bench',
        });
        const committedAt = performance.now();
        onHand -= 1;
        await done;
        rounds.push(...arrivals.map((at) => at - committedAt));
      }
      fanOut.push({
        subscribers: count,
        routerRssMiB: router.rssMiB(),
        latencyMs: summarize(rounds),
      });
    }
    return { commitToClientMs: single, routerBaselineRssMiB: baselineRss, fanOut };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await router.stop();
    await platform.stop();
    await db.stop();
  }
}
