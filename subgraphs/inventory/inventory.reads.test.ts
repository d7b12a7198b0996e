import { randomUUID } from 'node:crypto';
import { dataOf } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import { viewers } from '../../platform/testing/harness';
import {
  anonymous,
  clerk,
  type InventoryTest,
  orders,
  RECEIVE,
  RESERVE,
  staff,
  startInventoryTest,
  transition,
} from './test-support';

let it_: InventoryTest;
let berlin: string;
let paris: string;
const gql = (query: string, variables: Record<string, unknown>, viewer: Viewer) =>
  it_.t.gql(query, variables, { viewer });
const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  it_.t.sql<T>(text, params);
const receive = (...a: Parameters<InventoryTest['receive']>) => it_.receive(...a);

beforeAll(async () => {
  it_ = await startInventoryTest();
  ({ berlin, paris } = it_);
});

afterAll(async () => {
  await it_?.stop();
});

// The ledger invariant, after every test.
afterEach(async () => {
  expect(await it_.ledgerDrift()).toEqual([]);
});

describe('inventory subgraph: reads, references and bad input', () => {
  it('answers staff mutations UNAUTHENTICATED without a viewer, FORBIDDEN without inventory:write; internal ones to services only', async () => {
    for (const [viewer, code] of [
      [anonymous, 'UNAUTHENTICATED'],
      [clerk, 'FORBIDDEN'],
      [viewers.customer('c1'), 'FORBIDDEN'],
    ] as const) {
      const response = await gql(
        RECEIVE,
        { input: { sku: 'F-1', warehouseId: berlin, quantity: 1 } },
        viewer,
      );
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
    }
    for (const viewer of [anonymous, staff, viewers.customer('c1')]) {
      const response = await gql(
        RESERVE,
        { input: { reference: 'f', lines: [{ sku: 'F-1', quantity: 1 }] } },
        viewer,
      );
      // Internal operations: anonymous callers are unauthenticated, everyone else forbidden.
      const expected = viewer === anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      expect(response.errors?.[0]?.extensions?.code).toBe(expected);
      const release = await gql(transition('reservationRelease'), { id: randomUUID() }, viewer);
      expect(release.errors?.[0]?.extensions?.code).toBe(expected);
    }
    expect(await sql(`SELECT 1 FROM inventory.inventory_item WHERE sku = 'F-1'`)).toEqual([]);
  });

  it('shows shoppers availability only: items, ledger, low stock, warehouses and references are staff reads', async () => {
    await receive('PUB-1', berlin, 3);
    const reads = [
      `{ warehouses { code } }`,
      `{ inventoryItems(sku: "PUB-1") { onHand } }`,
      `{ stockMovements(sku: "PUB-1") { edges { node { reference } } } }`,
      `{ lowStockItems { totalCount } }`,
      `{ reservation(id: "${randomUUID()}") { id } }`,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { inventoryItems { onHand } } } }`,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Warehouse { code } } }`,
    ];
    const r = [
      { __typename: 'ProductVariant', sku: 'PUB-1' },
      { __typename: 'Warehouse', id: berlin },
    ];
    for (const [viewer, code] of [
      [anonymous, 'UNAUTHENTICATED'],
      [viewers.customer('c1'), 'FORBIDDEN'],
      [clerk, 'FORBIDDEN'],
    ] as const) {
      for (const query of reads) {
        const response = await gql(
          query,
          { r: query.includes('Warehouse') ? [r[1]] : [r[0]] },
          viewer,
        );
        expect([query, response.errors?.[0]?.extensions?.code]).toEqual([query, code]);
        expect(JSON.stringify(response.data ?? {})).not.toMatch(/onHand|BER-1|reference/);
      }
    }
    const shopper = await gql(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { availableQuantity } ... on Product { availability { inStock lowStock availableQuantity } } } }`,
      { r: [r[0], { __typename: 'Product', id: randomUUID(), variants: [{ sku: 'PUB-1' }] }] },
      anonymous,
    );
    expect(shopper.errors).toBeUndefined();
    expect(shopper.data!._entities).toEqual([
      { availableQuantity: 3 },
      { availability: { inStock: true, lowStock: true, availableQuantity: 3 } },
    ]);
  });

  it('lists low-stock items with cursors', async () => {
    await receive('LOW-A', berlin, 5);
    await receive('LOW-B', berlin, 50);
    await receive('LOW-C', paris, 1);
    const page = async (after: string | null) =>
      dataOf(
        await gql(
          `query ($after: String) { lowStockItems(first: 100, after: $after) { totalCount edges { cursor node { sku lowStock } } pageInfo { hasNextPage } } }`,
          { after },
          staff,
        ),
      ).lowStockItems;
    const all = await page(null);
    const skus = all.edges.map((e: any) => e.node.sku);
    expect(skus).toEqual(expect.arrayContaining(['LOW-A', 'LOW-C']));
    expect(skus).not.toContain('LOW-B');
    expect(all.edges.every((e: any) => e.node.lowStock)).toBe(true);
    expect(skus).toEqual([...skus].sort());
    const index = skus.indexOf('LOW-A');
    const next = await page(all.edges[index].cursor);
    expect(next.edges[0].node.sku).toBe(skus[index + 1]);
    expect(next.totalCount).toBe(all.totalCount);
  });

  it('resolves ProductVariant by sku and Product availability from the variants the router passes', async () => {
    await receive('AV-S', berlin, 30);
    await receive('AV-M', berlin, 4);
    await receive('AV-M', paris, 2);
    const productId = randomUUID();
    const result = dataOf(
      await gql(
        `query ($representations: [_Any!]!) { _entities(representations: $representations) {
           ... on ProductVariant { sku availableQuantity inventoryItems { available warehouse { code } } }
           ... on Product { id availability { availableQuantity inStock lowStock } } } }`,
        {
          representations: [
            { __typename: 'ProductVariant', sku: 'AV-M' },
            { __typename: 'ProductVariant', sku: 'UNSTOCKED' },
            {
              __typename: 'Product',
              id: productId,
              variants: [{ sku: 'AV-S' }, { sku: 'AV-M' }, { sku: 'UNSTOCKED' }],
            },
            { __typename: 'Product', id: randomUUID(), variants: [{ sku: 'UNSTOCKED' }] },
            { __typename: 'Product', id: randomUUID(), variants: [{ sku: 'AV-S' }] },
            { __typename: 'Product', id: 'not-a-uuid', variants: [] },
          ],
        },
        staff,
      ),
    );
    expect(result._entities).toEqual([
      {
        sku: 'AV-M',
        availableQuantity: 6,
        inventoryItems: [
          { available: 4, warehouse: { code: 'BER-1' } },
          { available: 2, warehouse: { code: 'PAR-1' } },
        ],
      },
      { sku: 'UNSTOCKED', availableQuantity: 0, inventoryItems: [] },
      { id: productId, availability: { availableQuantity: 36, inStock: true, lowStock: true } },
      {
        id: expect.any(String),
        availability: { availableQuantity: 0, inStock: false, lowStock: false },
      },
      {
        id: expect.any(String),
        availability: { availableQuantity: 30, inStock: true, lowStock: false },
      },
      null,
    ]);
  });

  it('resolves a page of variants with a constant number of statements', async () => {
    const skus = Array.from({ length: 40 }, (_, i) => `NP-${i}`);
    const service = it_.t.services.inventory;
    await Promise.all(
      skus.map((sku, i) =>
        service.changes.receiveStock({ sku, warehouseId: berlin, quantity: i + 1 }),
      ),
    );
    await Promise.all(
      skus
        .filter((_, i) => i % 2 === 0)
        .map((sku) => service.changes.receiveStock({ sku, warehouseId: paris, quantity: 1 })),
    );
    const cost = async (count: number) => {
      const before = it_.t.subgraph.statements.count;
      const result = dataOf(
        await gql(
          `query ($representations: [_Any!]!) { _entities(representations: $representations) {
             ... on ProductVariant { sku availableQuantity inventoryItems { available warehouse { code } } } } }`,
          {
            representations: skus
              .slice(0, count)
              .map((sku) => ({ __typename: 'ProductVariant', sku })),
          },
          staff,
        ),
      );
      expect(result._entities).toHaveLength(count);
      expect(result._entities[2]).toEqual({
        sku: 'NP-2',
        availableQuantity: 4,
        inventoryItems: [
          { available: 3, warehouse: { code: 'BER-1' } },
          { available: 1, warehouse: { code: 'PAR-1' } },
        ],
      });
      return it_.t.subgraph.statements.count - before;
    };
    const five = await cost(5);
    const forty = await cost(40);
    expect(five).toBe(forty);
    expect(forty).toBeLessThanOrEqual(2);
  });

  it('answers malformed ids and cursors with BAD_USER_INPUT, never a 500', async () => {
    const craftedCursor = Buffer.from('c1:["x"]').toString('base64url');
    const cases: [string, Record<string, unknown>, Viewer][] = [
      [`{ inventoryItem(id: "not-a-uuid") { id } }`, {}, staff],
      [`{ reservation(id: "42") { id } }`, {}, staff],
      [`{ stockMovements(sku: "X", after: "garbage") { totalCount } }`, {}, staff],
      [
        `query ($c: String) { stockMovements(sku: "X", after: $c) { totalCount } }`,
        { c: craftedCursor },
        staff,
      ],
      [
        `query ($c: String) { lowStockItems(after: $c) { totalCount } }`,
        { c: craftedCursor },
        staff,
      ],
      [`{ lowStockItems(first: 101) { totalCount } }`, {}, staff],
      [RECEIVE, { input: { sku: 'X', warehouseId: 'nope', quantity: 1 } }, staff],
      [transition('reservationCommit'), { id: 'nope' }, orders],
    ];
    for (const [query, variables, viewer] of cases) {
      const response = await gql(query, variables, viewer);
      expect(response.status).not.toBe(500);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(response)).not.toMatch(/stack|QueryFailedError/);
    }
    const entity = dataOf(
      await gql(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on InventoryItem { id } ... on Warehouse { id } } }`,
        {
          r: [
            { __typename: 'InventoryItem', id: 'x' },
            { __typename: 'Warehouse', id: 'y' },
          ],
        },
        staff,
      ),
    );
    expect(entity._entities).toEqual([null, null]);
  });
});
