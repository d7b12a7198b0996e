import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLDataSource } from '@apollo/gateway';
import { parse, print, visit, type GraphQLSchema } from 'graphql';
import { createLogger } from '../../platform/logging';
import { buildSupergraph, type LoadedSupergraph } from '../supergraph';
import type { FederatedSubscriptions } from '../subscriptions/executor';
import { ReloadableGateway, type PreparedGateway } from './gateway';
import { LiveSupergraph } from './live-supergraph';
import { loadKnownOperations } from './preplan';
import { SchemaReloader, type SchemaReloaderDeps } from './reloader';

/**
 * The reloader's decisions, on the committed supergraph and the SDK's manifest, without
 * subgraphs (nothing is executed): what is refused, what is applied, what the swap does.
 * test/router-schema-reload.test.ts covers the same through a running router.
 */
const root = join(__dirname, '..', '..');
const FULL = print(parse(readFileSync(join(root, 'schema', 'supergraph.graphql'), 'utf8')));
const WITHOUT_RESERVED = print(
  visit(parse(FULL), {
    ObjectTypeDefinition: (node) =>
      node.name.value === 'InventoryItem'
        ? { ...node, fields: node.fields?.filter((f) => f.name.value !== 'reserved') }
        : undefined,
  }),
);
const operations = loadKnownOperations(join(root, 'sdk', 'generated', 'operation-manifest.json'));
const noSource = (() => ({ process: () => Promise.reject(new Error('not here')) })) as (
  name: string,
) => GraphQLDataSource;

// Built once: each test's reloader starts from the same serving supergraph and gateway.
let initial: LoadedSupergraph;
let initialGateway: PreparedGateway;
beforeAll(async () => {
  initial = buildSupergraph(FULL);
  initialGateway = await ReloadableGateway.prepare(FULL, noSource);
}, 60_000);

async function reloader(overrides: Partial<SchemaReloaderDeps> = {}) {
  const live = new LiveSupergraph(initial);
  const gateway = new ReloadableGateway(initialGateway, noSource);
  const served: GraphQLSchema[] = [];
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => served.push(apiSchema));
  await gateway.load();
  const subscriptions = { open: new Set(), use: jest.fn() };
  const outcomes: string[] = [];
  const instance = new SchemaReloader({
    live,
    gateway,
    subscriptions: subscriptions as unknown as FederatedSubscriptions,
    operations,
    breakingOperations: 'apply',
    subgraphs: new Set(Object.keys(initial.subgraphUrls)),
    observers: [(outcome) => outcomes.push(outcome.status)],
    log: createLogger('router-reload-test'),
    ...overrides,
  });
  return { instance, live, initial, served, subscriptions, outcomes };
}

describe('SchemaReloader', () => {
  it('refuses, under SUPERGRAPH_BREAKING_OPERATIONS=refuse, a supergraph the SDK operations break; the old one serves on', async () => {
    const { instance, live, initial, served, subscriptions, outcomes } = await reloader({
      breakingOperations: 'refuse',
    });
    const outcome = await instance.reload(WITHOUT_RESERVED, 'test');
    expect(outcome.status).toBe('refused');
    expect(outcome.status === 'refused' && outcome.reason).toMatch(/InventoryChanged/);
    expect(live.current).toBe(initial);
    expect(served).toHaveLength(1);
    expect(subscriptions.use).not.toHaveBeenCalled();
    // The same text again is not rebuilt (polled URLs repeat it).
    expect((await instance.reload(WITHOUT_RESERVED, 'test')).status).toBe('unchanged');
    expect(outcomes).toEqual(['refused']);
  }, 60_000);

  it('applies it by default, listing the operations it breaks, and swaps gateway, schema and subscriptions together', async () => {
    const { instance, live, initial, served, subscriptions } = await reloader();
    const outcome = await instance.reload(WITHOUT_RESERVED, 'test');
    expect(outcome.status).toBe('applied');
    if (outcome.status !== 'applied') return;
    expect(outcome.operations.broken.map((b) => b.name)).toEqual(
      expect.arrayContaining(['InventoryChanged', 'StockLevels', 'StockAdjust']),
    );
    expect(outcome.operations.planned + outcome.operations.broken.length).toBe(operations.length);
    expect(live.current).not.toBe(initial);
    expect(live.view.apiGraphQLSchema.getType('InventoryItem')).toBeDefined();
    expect(
      (live.view.apiGraphQLSchema.getType('InventoryItem') as any).getFields().reserved,
    ).toBeUndefined();
    expect(served).toHaveLength(2);
    expect(served[1]).not.toBe(served[0]);
    expect(subscriptions.use).toHaveBeenCalledWith(live.current);
  }, 60_000);

  it('refuses text that is not a supergraph, and one that adds a subgraph the router has no connection for', async () => {
    const { instance, live, initial } = await reloader({
      subgraphs: new Set(
        Object.keys(buildSupergraph(FULL).subgraphUrls).filter((n) => n !== 'webhooks'),
      ),
    });
    const broken = await instance.reload('type Query {', 'test');
    expect(broken.status === 'refused' && broken.reason).toMatch(/not a valid supergraph/);
    const added = await instance.reload(WITHOUT_RESERVED, 'test');
    expect(added.status === 'refused' && added.reason).toMatch(/adds subgraph\(s\) webhooks/);
    expect(live.current).toBe(initial);
  }, 60_000);
});
