import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print, visit } from 'graphql';
import { postGraphQL } from '../platform/testing/graphql-client';
import { startHoldProxy, type HoldProxy } from './support/hold-proxy';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { spawnRouterProcess, type RouterProcess } from './support/router-process';
import { createProduct, createWarehouse, receiveStock } from './support/shop';
import { eventually } from './support/subscriptions';
import { trackMultipart, trackSse, trackWs, type Tracked } from './support/tracked-subscriptions';

/**
 * Zero-drop supergraph reloads (router/reload), through a router process of its own that
 * watches a supergraph file, with the real subgraphs behind it. The variants are the
 * committed supergraph with one InventoryItem field taken out: the subgraph serves every
 * field either way, so what changes is only what the router lets clients ask for.
 */
const FULL = readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8');

function supergraphWithout(type: string, field: string | null): string {
  return print(
    visit(parse(FULL), {
      ObjectTypeDefinition: (node) =>
        node.name.value === type
          ? { ...node, fields: node.fields?.filter((f) => f.name.value !== field) }
          : undefined,
    }),
  );
}

const SKU = 'RELOAD-1';
const PLAIN = `subscription ($sku: String!) { inventoryChanged(sku: $sku) { sku onHand warehouse { code } } }`;
const WITH_RESERVED = `subscription ($sku: String!) { inventoryChanged(sku: $sku) { sku onHand reserved } }`;
const PER_TRANSPORT = 100;

let platform: TestPlatform;
let router: RouterProcess;
let location: HoldProxy;
let dir: string;
let file: string;
let warehouse: string;
const all: Tracked[] = [];
let closedSockets: () => number = () => 0;
let sockets: { dispose(): void | Promise<void> }[] = [];

/** The router's JSON log lines with this message. */
function logged(msg: string): Record<string, any>[] {
  return router
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>)
    .filter((record) => record.msg === msg);
}

const errorResults = (list: Tracked[]) => list.flatMap((s) => s.events.filter((e) => e.errors));
const withReserved = () => all.filter((s) => s.query === WITH_RESERVED);
const plain = () => all.filter((s) => s.query === PLAIN);

beforeAll(async () => {
  platform = await startTestPlatform('router-schema-reload');
  location = await startHoldProxy(platform.subgraphUrls.location!);
  dir = mkdtempSync(join(tmpdir(), 'supergraph-reload-'));
  file = join(dir, 'supergraph.graphql');
  // Starts without lowStockThreshold: the compatible change adds it.
  writeFileSync(file, supergraphWithout('InventoryItem', 'lowStockThreshold'));
  // The shop is set up while the router process starts.
  [router] = await Promise.all([
    spawnRouterProcess(
      { ...platform.subgraphUrls, location: location.url },
      { SUPERGRAPH_PATH: file, SUPERGRAPH_WATCH_INTERVAL_MS: '500', LOG_LEVEL: 'info' },
    ),
    (async () => {
      await createProduct(platform, 'Reload Scarf', [{ sku: SKU, price: 2500 }]);
      warehouse = await createWarehouse(platform, 'RELOAD-WH');
      await receiveStock(platform, SKU, warehouse, 10);
    })(),
  ]);
  // Half of each transport's subscriptions select `reserved`, which the second change drops.
  const queries = (n: number) =>
    Array.from({ length: n }, (_, i) => (i % 2 ? WITH_RESERVED : PLAIN));
  const ws = trackWs(router.url, queries(PER_TRANSPORT), { sku: SKU }, 10);
  closedSockets = ws.closedSockets;
  sockets = ws.sockets;
  all.push(...ws.subscriptions);
  for (const query of queries(PER_TRANSPORT)) all.push(trackSse(router.url, query, { sku: SKU }));
  for (const query of queries(PER_TRANSPORT))
    all.push(trackMultipart(router.url, query, { sku: SKU }));
  // Each starts with the SKU's current item.
  await Promise.all(all.map((s) => s.received(1, 30_000)));
}, 90_000);

afterAll(async () => {
  for (const subscription of all) subscription.close();
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await router?.stop();
  await location?.close();
  await platform?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('supergraph reload', () => {
  it('a compatible change (a field added): 300 subscriptions stay open with no error, a query in flight completes, the new field is queryable', async () => {
    expect(all).toHaveLength(3 * PER_TRANSPORT);
    // A query held at the location subgraph stays in flight across the swap.
    location.hold();
    const inFlight = postGraphQL(router.url, '{ countries { code } }');
    await eventually(() => location.waiting() > 0, 10_000);
    const before = await postGraphQL(
      router.url,
      `{ inventoryItems(sku: "${SKU}") { lowStockThreshold } }`,
    );
    expect(before.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // A rename over the file, as `npm run compose` or an editor saves it.
    writeFileSync(`${file}.next`, print(parse(FULL)));
    renameSync(`${file}.next`, file);
    await eventually(() => logged('supergraph reloaded').length === 1, 30_000);
    location.release();

    const answered = await inFlight;
    expect(answered.errors).toBeUndefined();
    expect((answered.data as any).countries.length).toBeGreaterThan(200);
    const [reload] = logged('supergraph reloaded');
    expect(reload).toMatchObject({
      subscriptionsKept: 300,
      subscriptionsResubscribed: 0,
      subscriptionsEnded: 0,
      operationsBroken: [],
    });
    expect(reload!.operationsPlanned).toBeGreaterThan(50);

    const after = await postGraphQL(
      router.url,
      `{ inventoryItems(sku: "${SKU}") { lowStockThreshold } }`,
    );
    expect(after.errors).toBeUndefined();
    expect(typeof (after.data as any).inventoryItems[0].lowStockThreshold).toBe('number');

    // New subscriptions may select it too, on every transport.
    const NEW_FIELD = `subscription ($sku: String!) { inventoryChanged(sku: $sku) { sku lowStockThreshold } }`;
    const fresh = trackWs(router.url, [NEW_FIELD], { sku: SKU }, 1);
    const others = [
      trackSse(router.url, NEW_FIELD, { sku: SKU }),
      trackMultipart(router.url, NEW_FIELD, { sku: SKU }),
    ];
    const added = [...fresh.subscriptions, ...others];
    await Promise.all(added.map((s) => s.received(1)));
    for (const subscription of added) {
      expect(subscription.events[0]!.errors).toBeUndefined();
      expect(typeof subscription.events[0]!.data.inventoryChanged.lowStockThreshold).toBe('number');
      subscription.close();
    }
    await Promise.all(fresh.sockets.map((socket) => socket.dispose()));

    // Events still reach every subscription, on the new plan.
    await receiveStock(platform, SKU, warehouse, 1);
    await Promise.all(all.map((s) => s.received(2)));
    for (const subscription of all) {
      expect(subscription.events.at(-1)!.data.inventoryChanged.onHand).toBe(11);
      expect(subscription.completed).toBe(false);
      expect(subscription.failure).toBeNull();
    }
    expect(errorResults(all)).toEqual([]);
    expect(closedSockets()).toBe(0);
  }, 60_000);

  it('an incompatible change (a subscribed field removed) ends only the subscriptions that select it, each with one SCHEMA_CHANGED', async () => {
    const counts = new Map(all.map((s) => [s, s.events.length]));
    // Written in place this time (not renamed): the watch sees that too.
    writeFileSync(file, supergraphWithout('InventoryItem', 'reserved'));
    await eventually(() => logged('supergraph reloaded').length === 2, 30_000);
    const reload = logged('supergraph reloaded')[1]!;
    expect(reload).toMatchObject({ subscriptionsKept: 150, subscriptionsEnded: 150 });
    // The SDK's own subscription selects `reserved`: reported, and applied (the default).
    expect(reload.operationsBroken).toEqual(expect.arrayContaining(['InventoryChanged']));
    expect(
      logged('known operation no longer valid on the new supergraph').map((r) => r.operation),
    ).toEqual(expect.arrayContaining(['InventoryChanged', 'StockLevels']));

    await eventually(() => withReserved().every((s) => s.completed), 15_000);
    for (const subscription of withReserved()) {
      const last = subscription.events.slice(counts.get(subscription));
      expect(last).toHaveLength(1);
      expect(last[0]!.errors).toHaveLength(1);
      expect(last[0]!.errors![0]!.extensions?.code).toBe('SCHEMA_CHANGED');
      expect(subscription.failure).toBeNull();
    }

    await receiveStock(platform, SKU, warehouse, 1);
    await Promise.all(plain().map((s) => s.received(counts.get(s)! + 1)));
    for (const subscription of plain()) {
      expect(subscription.events.at(-1)!.data.inventoryChanged.onHand).toBe(12);
      expect(subscription.completed).toBe(false);
    }
    expect(errorResults(plain())).toEqual([]);
    // Ended subscriptions got nothing after their error; their sockets stay open.
    for (const subscription of withReserved())
      expect(subscription.events.length).toBe(counts.get(subscription)! + 1);
    expect(closedSockets()).toBe(0);

    const removed = await postGraphQL(router.url, `{ inventoryItems(sku: "${SKU}") { reserved } }`);
    expect(removed.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  }, 60_000);

  it('a supergraph that does not parse is refused and the serving one stays', async () => {
    writeFileSync(file, 'type Query {');
    await eventually(
      () => logged('supergraph refused; the old one keeps serving').length === 1,
      15_000,
    );
    expect(logged('supergraph reloaded')).toHaveLength(2);
    const still = await postGraphQL(
      router.url,
      `{ inventoryItems(sku: "${SKU}") { onHand lowStockThreshold } }`,
    );
    expect(still.errors).toBeUndefined();
    expect((still.data as any).inventoryItems[0].onHand).toBe(12);
    expect(plain().every((s) => !s.completed)).toBe(true);

    // Every reload tried is counted.
    const metrics = await (await fetch(`http://127.0.0.1:${router.port}/metrics`)).text();
    expect(metrics).toContain('router_supergraph_reloads_total{outcome="applied"} 2');
    expect(metrics).toContain('router_supergraph_reloads_total{outcome="refused"} 1');
    expect(metrics).toContain('router_supergraph_reload_subscriptions_total{result="ended"} 150');
  }, 30_000);
});
