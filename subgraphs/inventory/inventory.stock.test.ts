import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import { type InventoryTest, RECEIVE, staff, startInventoryTest } from './test-support';

let it_: InventoryTest;
let berlin: string;
let paris: string;
const gql = (query: string, variables: Record<string, unknown>, viewer: Viewer) =>
  it_.t.gql(query, variables, { viewer });
const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  it_.t.sql<T>(text, params);
const receive = (...a: Parameters<InventoryTest['receive']>) => it_.receive(...a);
const adjust = (...a: Parameters<InventoryTest['adjust']>) => it_.adjust(...a);
const reserve = (...a: Parameters<InventoryTest['reserve']>) => it_.reserve(...a);
const stockOf = (sku: string) => it_.stockOf(sku);
const createWarehouse = (code: string, country: string) => it_.createWarehouse(code, country);

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

describe('inventory subgraph: warehouses and stock changes', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(it_.t.url, '{ warehouses { id } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('creates warehouses with normalized codes and refuses duplicates and bad countries', async () => {
    const list = dataOf(
      await gql(`{ warehouses { code name countryCode } }`, {}, staff),
    ).warehouses;
    expect(list).toEqual([
      { code: 'BER-1', name: 'Warehouse BER-1', countryCode: 'DE' },
      { code: 'PAR-1', name: 'Warehouse PAR-1', countryCode: 'FR' },
    ]);
    expect((await createWarehouse('ber-1', 'DE')).userErrors).toEqual([
      { field: ['code'], code: 'CODE_TAKEN' },
    ]);
    expect((await createWarehouse('LYS-1', 'France')).userErrors).toEqual([
      { field: ['countryCode'], code: 'INVALID_COUNTRY' },
    ]);
  });

  it('receives and adjusts stock, writing one movement per change', async () => {
    const first = await receive('REC-1', berlin, 10, { reference: 'PO-1' });
    expect(first.userErrors).toEqual([]);
    expect(first.inventoryItem).toMatchObject({
      sku: 'REC-1',
      onHand: 10,
      reserved: 0,
      available: 10,
      lowStock: true,
    });
    expect(first.movement).toMatchObject({
      kind: 'RECEIPT',
      onHandDelta: 10,
      reservedDelta: 0,
      reference: 'PO-1',
    });
    await receive('REC-1', berlin, 15);
    const adjusted = await adjust('REC-1', berlin, -3, 'damaged');
    expect(adjusted.userErrors).toEqual([]);
    expect(adjusted.inventoryItem).toMatchObject({ onHand: 22, available: 22, lowStock: false });
    expect(adjusted.movement).toMatchObject({
      kind: 'ADJUSTMENT',
      onHandDelta: -3,
      reason: 'damaged',
    });

    const [ledger] = await sql(
      `SELECT i.on_hand, (SELECT sum(on_hand_delta)::int FROM inventory.stock_movement m WHERE m.inventory_item_id = i.id) AS total,
              (SELECT count(*)::int FROM inventory.stock_movement m WHERE m.inventory_item_id = i.id) AS movements
         FROM inventory.inventory_item i WHERE sku = 'REC-1'`,
    );
    expect(ledger).toEqual({ on_hand: 22, total: 22, movements: 3 });

    const history = dataOf(
      await gql(
        `query ($id: ID!) { inventoryItem(id: $id) { movements(first: 2) { totalCount edges { node { kind onHandDelta inventoryItem { sku } } } pageInfo { hasNextPage endCursor } } } }`,
        { id: first.inventoryItem.id },
        staff,
      ),
    ).inventoryItem.movements;
    expect(history.totalCount).toBe(3);
    expect(history.edges.map((e: any) => e.node.onHandDelta)).toEqual([-3, 15]);
    expect(history.edges[0].node.inventoryItem.sku).toBe('REC-1');
    const rest = dataOf(
      await gql(
        `query ($after: String) { stockMovements(sku: "REC-1", after: $after) { edges { node { onHandDelta } } pageInfo { hasNextPage } } }`,
        { after: history.pageInfo.endCursor },
        staff,
      ),
    ).stockMovements;
    expect(rest.edges.map((e: any) => e.node.onHandDelta)).toEqual([10]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('returns the first result for a retried receive with the same idempotency key', async () => {
    const [a, b] = await Promise.all([
      receive('IDEM-1', berlin, 4, { idempotencyKey: 'delivery-77' }),
      receive('IDEM-1', berlin, 4, { idempotencyKey: 'delivery-77' }),
    ]);
    const c = await receive('IDEM-1', berlin, 4, { idempotencyKey: 'delivery-77' });
    expect(new Set([a.movement.id, b.movement.id, c.movement.id]).size).toBe(1);
    expect((await stockOf('IDEM-1'))[0]!.onHand).toBe(4);
    const reused = await receive('IDEM-2', berlin, 4, { idempotencyKey: 'delivery-77' });
    expect(reused.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses an adjustment below zero or below reserved, and writes nothing', async () => {
    await receive('ADJ-1', berlin, 5);
    const count = async () =>
      (await sql(`SELECT count(*)::int AS n FROM inventory.stock_movement WHERE sku = 'ADJ-1'`))[0]
        .n;
    const before = await count();
    const refused = await adjust('ADJ-1', berlin, -6);
    expect(refused.inventoryItem).toBeNull();
    expect(refused.movement).toBeNull();
    expect(refused.userErrors).toEqual([
      { field: ['delta'], code: 'INSUFFICIENT_STOCK', message: expect.stringContaining('ADJ-1') },
    ]);

    expect((await reserve('adj-hold', [{ sku: 'ADJ-1', quantity: 4 }])).userErrors).toEqual([]);
    expect((await adjust('ADJ-1', berlin, -2)).userErrors[0].code).toBe('INSUFFICIENT_STOCK');
    expect((await adjust('NEW-SKU', paris, -1)).userErrors[0].code).toBe('INSUFFICIENT_STOCK');
    expect(await count()).toBe(before + 1); // only the reservation
    expect(await sql(`SELECT 1 FROM inventory.inventory_item WHERE sku = 'NEW-SKU'`)).toEqual([]);
    expect(await stockOf('ADJ-1')).toEqual([
      expect.objectContaining({ onHand: 5, reserved: 4, available: 1 }),
    ]);
  });

  it('answers invalid quantities and unknown warehouses with userErrors', async () => {
    expect((await receive('Q-1', berlin, 0)).userErrors).toEqual([
      { field: ['quantity'], code: 'INVALID_QUANTITY', message: expect.any(String) },
    ]);
    expect((await receive('Q-1', berlin, -4)).userErrors[0].code).toBe('INVALID_QUANTITY');
    expect((await adjust('Q-1', berlin, 0)).userErrors[0].code).toBe('INVALID_QUANTITY');
    expect((await receive('Q-1', randomUUID(), 3)).userErrors).toEqual([
      { field: ['warehouseId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
    expect((await reserve('q-res', [{ sku: 'Q-1', quantity: 0 }])).userErrors[0]).toMatchObject({
      code: 'INVALID_QUANTITY',
      field: ['lines', '0', 'quantity'],
    });
    expect(await sql(`SELECT 1 FROM inventory.inventory_item WHERE sku = 'Q-1'`)).toEqual([]);
  });

  it('receives only SKUs that catalog knows, and refuses a country that does not exist', async () => {
    it_.notInCatalog.add('TYPO-1');
    const refused = await receive('TYPO-1', berlin, 5);
    expect(refused).toEqual({
      inventoryItem: null,
      movement: null,
      userErrors: [
        { field: ['sku'], code: 'UNKNOWN_SKU', message: expect.stringContaining('TYPO-1') },
      ],
    });
    expect(await sql(`SELECT 1 FROM inventory.inventory_item WHERE sku = 'TYPO-1'`)).toEqual([]);
    expect(it_.neighbours.catalog.requests.at(-1)!.variables).toEqual({ sku: 'TYPO-1' });

    for (const country of ['XX', 'ZZ', 'D\u00e9']) {
      expect((await createWarehouse(`NO-${country.length}`, country)).userErrors).toEqual([
        { field: ['countryCode'], code: 'INVALID_COUNTRY' },
      ]);
    }
    expect((await createWarehouse('VIE-1', 'at')).warehouse.countryCode).toBe('AT');
  });

  it('answers a NUL byte in a SKU or a name with BAD_USER_INPUT, never a 500', async () => {
    for (const [query, variables] of [
      [RECEIVE, { input: { sku: 'A\u0000B', warehouseId: berlin, quantity: 1 } }],
      [`{ inventoryItems(sku: "A\\u0000B") { id } }`, {}],
      [
        `mutation ($input: WarehouseCreateInput!) { warehouseCreate(input: $input) { userErrors { code } } }`,
        { input: { code: 'NUL-1', name: 'Nul\u0000house', countryCode: 'DE' } },
      ],
    ] as const) {
      const response = await gql(query, variables, staff);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
