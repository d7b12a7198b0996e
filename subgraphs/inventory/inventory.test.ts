import { randomUUID } from 'node:crypto';
import { startSubgraph, type RunningSubgraph } from '../../platform/server';
import { createTestDatabase, type TestDatabase } from '../../platform/testing/database';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import { inventorySubgraph } from '.';
import type { InventoryService } from './service';

const staff: Viewer = { kind: 'staff', staffId: 's', permissions: ['inventory:write'] };
const clerk: Viewer = { kind: 'staff', staffId: 'c', permissions: [] };
const orders: Viewer = { kind: 'service', service: 'orders' };
const anonymous: Viewer = { kind: 'anonymous' };

let db: TestDatabase;
let inventory: RunningSubgraph<{ inventory: InventoryService }>;
let berlin: string;
let paris: string;

const gql = async (query: string, variables: Record<string, unknown>, viewer: Viewer) =>
  postGraphQL(inventory.url, query, variables, { viewer });
const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  inventory.dataSource.query(text, params);

const ITEM = `id sku onHand reserved available lowStock updatedAt warehouse { code }`;
const RECEIVE = `mutation ($input: StockReceiveInput!) {
  stockReceive(input: $input) { inventoryItem { ${ITEM} } movement { id kind onHandDelta reservedDelta reference createdAt } userErrors { field message code } }
}`;
const ADJUST = `mutation ($input: StockAdjustInput!) {
  stockAdjust(input: $input) { inventoryItem { ${ITEM} } movement { id kind onHandDelta reason } userErrors { field message code } }
}`;
const RESERVATION = `id reference status expiresAt lines { sku quantity warehouse { code } }`;
const RESERVE = `mutation ($input: StockReserveInput!) {
  stockReserve(input: $input) { reservation { ${RESERVATION} } userErrors { field message code } }
}`;
const transition = (name: string) => `mutation ($id: ID!) {
  ${name}(id: $id) { reservation { ${RESERVATION} } userErrors { field message code } }
}`;

async function receive(
  sku: string,
  warehouseId: string,
  quantity: number,
  extra: Record<string, unknown> = {},
) {
  return dataOf(await gql(RECEIVE, { input: { sku, warehouseId, quantity, ...extra } }, staff))
    .stockReceive;
}
async function adjust(sku: string, warehouseId: string, delta: number, reason = 'stock count') {
  return dataOf(await gql(ADJUST, { input: { sku, warehouseId, delta, reason } }, staff))
    .stockAdjust;
}
async function reserve(
  reference: string,
  lines: { sku: string; quantity: number }[],
  ttlSeconds?: number,
) {
  return dataOf(await gql(RESERVE, { input: { reference, lines, ttlSeconds } }, orders))
    .stockReserve;
}
async function act(name: string, id: string) {
  return dataOf(await gql(transition(name), { id }, orders))[name];
}
async function stockOf(sku: string) {
  return dataOf(
    await gql(
      `query ($sku: String!) { inventoryItems(sku: $sku) { ${ITEM} } }`,
      { sku },
      anonymous,
    ),
  ).inventoryItems as {
    onHand: number;
    reserved: number;
    available: number;
    warehouse: { code: string };
  }[];
}
async function createWarehouse(code: string, countryCode: string) {
  return dataOf(
    await gql(
      `mutation ($input: WarehouseCreateInput!) { warehouseCreate(input: $input) { warehouse { id code countryCode } userErrors { field code } } }`,
      { input: { code, name: `Warehouse ${code}`, countryCode } },
      staff,
    ),
  ).warehouseCreate;
}

beforeAll(async () => {
  db = await createTestDatabase('inventory');
  inventory = await startSubgraph(inventorySubgraph, {
    databaseUrl: db.url,
    port: 0,
    host: '127.0.0.1',
    background: false, // statement counts must not include a sweep; the sweeper has its own test
  });
  berlin = (await createWarehouse('BER-1', 'de')).warehouse.id;
  paris = (await createWarehouse('PAR-1', 'FR')).warehouse.id;
});

afterAll(async () => {
  await inventory?.stop();
  await db?.drop();
});

// The ledger invariant, after every test: per item, on_hand = Σ on_hand_delta and reserved = Σ reserved_delta.
afterEach(async () => {
  const drift = await sql(`
    SELECT i.sku, i.on_hand, i.reserved, m.on_hand_sum, m.reserved_sum
      FROM inventory.inventory_item i
      LEFT JOIN (SELECT inventory_item_id, sum(on_hand_delta)::int AS on_hand_sum, sum(reserved_delta)::int AS reserved_sum
                   FROM inventory.stock_movement GROUP BY inventory_item_id) m ON m.inventory_item_id = i.id
     WHERE i.on_hand <> coalesce(m.on_hand_sum, 0) OR i.reserved <> coalesce(m.reserved_sum, 0)`);
  expect(drift).toEqual([]);
});

describe('inventory subgraph', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(inventory.url, '{ warehouses { id } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('creates warehouses with normalized codes and refuses duplicates and bad countries', async () => {
    const list = dataOf(
      await gql(`{ warehouses { code name countryCode } }`, {}, anonymous),
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
        anonymous,
      ),
    ).inventoryItem.movements;
    expect(history.totalCount).toBe(3);
    expect(history.edges.map((e: any) => e.node.onHandDelta)).toEqual([-3, 15]);
    expect(history.edges[0].node.inventoryItem.sku).toBe('REC-1');
    const rest = dataOf(
      await gql(
        `query ($after: String) { stockMovements(sku: "REC-1", after: $after) { edges { node { onHandDelta } } pageInfo { hasNextPage } } }`,
        { after: history.pageInfo.endCursor },
        anonymous,
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

  it('refuses staff mutations without inventory:write and internal mutations to anyone but services', async () => {
    for (const viewer of [anonymous, clerk]) {
      const response = await gql(
        RECEIVE,
        { input: { sku: 'F-1', warehouseId: berlin, quantity: 1 } },
        viewer,
      );
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const viewer of [anonymous, staff, { kind: 'customer', customerId: 'c1' } as Viewer]) {
      const response = await gql(
        RESERVE,
        { input: { reference: 'f', lines: [{ sku: 'F-1', quantity: 1 }] } },
        viewer,
      );
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const release = await gql(transition('reservationRelease'), { id: randomUUID() }, viewer);
      expect(release.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await sql(`SELECT 1 FROM inventory.inventory_item WHERE sku = 'F-1'`)).toEqual([]);
  });

  it('reserves across two warehouses, most available first, and is idempotent by reference', async () => {
    await receive('TWO-1', berlin, 5);
    await receive('TWO-1', paris, 3);
    const first = await reserve('checkout-two', [{ sku: 'TWO-1', quantity: 7 }]);
    expect(first.userErrors).toEqual([]);
    expect(first.reservation.status).toBe('ACTIVE');
    expect(Date.parse(first.reservation.expiresAt) - Date.now()).toBeGreaterThan(890_000);
    expect(first.reservation.lines).toEqual([
      { sku: 'TWO-1', quantity: 5, warehouse: { code: 'BER-1' } },
      { sku: 'TWO-1', quantity: 2, warehouse: { code: 'PAR-1' } },
    ]);
    const again = await reserve('checkout-two', [{ sku: 'TWO-1', quantity: 1 }]);
    expect(again).toEqual(first);
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => reserve('checkout-two-b', [{ sku: 'TWO-1', quantity: 1 }])),
    );
    expect(new Set(concurrent.map((r) => r.reservation.id)).size).toBe(1);
    expect(
      (await stockOf('TWO-1')).map((i) => [i.warehouse.code, i.reserved, i.available]),
    ).toEqual([
      ['BER-1', 5, 0],
      ['PAR-1', 3, 0],
    ]);
    const read = dataOf(
      await gql(
        `query ($id: ID!) { reservation(id: $id) { ${RESERVATION} } }`,
        { id: first.reservation.id },
        anonymous,
      ),
    );
    expect(read.reservation).toEqual(first.reservation);
  });

  it('reserves all lines or none: INSUFFICIENT_STOCK names the line and the sku', async () => {
    await receive('ALL-A', berlin, 10);
    await receive('ALL-B', paris, 2);
    const refused = await reserve('checkout-all', [
      { sku: 'ALL-A', quantity: 3 },
      { sku: 'ALL-B', quantity: 5 },
    ]);
    expect(refused.reservation).toBeNull();
    expect(refused.userErrors).toEqual([
      {
        field: ['lines', '1'],
        code: 'INSUFFICIENT_STOCK',
        message: expect.stringContaining('ALL-B'),
      },
    ]);
    expect((await stockOf('ALL-A'))[0]!.reserved).toBe(0);
    expect(
      await sql(`SELECT 1 FROM inventory.reservation WHERE reference = 'checkout-all'`),
    ).toEqual([]);
    // Nothing was stored under the reference, so a retry after a delivery goes through.
    await receive('ALL-B', berlin, 3);
    const retried = await reserve('checkout-all', [
      { sku: 'ALL-A', quantity: 3 },
      { sku: 'ALL-B', quantity: 5 },
    ]);
    expect(retried.userErrors).toEqual([]);
    expect((await stockOf('ALL-B')).map((i) => i.available)).toEqual([0, 0]);
  });

  it('commits, fulfills and releases with the right effect on onHand, reserved and available', async () => {
    await receive('FLOW-1', berlin, 10);
    const held = (await reserve('order-1', [{ sku: 'FLOW-1', quantity: 3 }])).reservation;
    expect(await stockOf('FLOW-1')).toEqual([
      expect.objectContaining({ onHand: 10, reserved: 3, available: 7 }),
    ]);
    expect((await act('reservationFulfill', held.id)).userErrors[0].code).toBe(
      'RESERVATION_NOT_COMMITTED',
    );

    const committed = await act('reservationCommit', held.id);
    expect(committed.reservation).toMatchObject({ status: 'COMMITTED', expiresAt: null });
    const fulfilled = await act('reservationFulfill', held.id);
    expect(fulfilled.reservation.status).toBe('FULFILLED');
    expect(await stockOf('FLOW-1')).toEqual([
      expect.objectContaining({ onHand: 7, reserved: 0, available: 7 }),
    ]);
    expect((await act('reservationFulfill', held.id)).userErrors).toEqual([]);
    expect((await act('reservationRelease', held.id)).userErrors[0].code).toBe(
      'RESERVATION_FULFILLED',
    );
    expect((await stockOf('FLOW-1'))[0]!.onHand).toBe(7);

    const other = (await reserve('order-2', [{ sku: 'FLOW-1', quantity: 2 }])).reservation;
    const released = await act('reservationRelease', other.id);
    expect(released.reservation.status).toBe('RELEASED');
    expect((await act('reservationRelease', other.id)).userErrors).toEqual([]);
    expect((await act('reservationCommit', other.id)).userErrors[0].code).toBe(
      'RESERVATION_RELEASED',
    );
    expect(await stockOf('FLOW-1')).toEqual([
      expect.objectContaining({ onHand: 7, reserved: 0, available: 7 }),
    ]);
    const kinds = await sql(
      `SELECT kind, on_hand_delta, reserved_delta FROM inventory.stock_movement WHERE sku = 'FLOW-1' ORDER BY seq`,
    );
    expect(kinds.map((m) => `${m.kind} ${m.on_hand_delta}/${m.reserved_delta}`)).toEqual([
      'RECEIPT 10/0',
      'RESERVATION 0/3',
      'SHIPMENT -3/-3',
      'RESERVATION 0/2',
      'RELEASE 0/-2',
    ]);
    expect((await act('reservationCommit', randomUUID())).userErrors[0].code).toBe('NOT_FOUND');
  });

  it('never sells more than exists: 50 concurrent reservations against 10 in stock', async () => {
    await receive('HOT-1', berlin, 6);
    await receive('HOT-1', paris, 4);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => reserve(`hot-${i}`, [{ sku: 'HOT-1', quantity: 1 }])),
    );
    const succeeded = results.filter((r) => r.userErrors.length === 0);
    const refused = results.filter((r) => r.userErrors[0]?.code === 'INSUFFICIENT_STOCK');
    expect(succeeded).toHaveLength(10);
    expect(refused).toHaveLength(40);
    const items = await stockOf('HOT-1');
    expect(items.reduce((sum, i) => sum + i.reserved, 0)).toBe(10);
    expect(items.every((i) => i.reserved <= i.onHand && i.available === 0)).toBe(true);
    const [{ n }] = await sql(
      `SELECT count(*)::int AS n FROM inventory.reservation WHERE reference LIKE 'hot-%'`,
    );
    expect(n).toBe(10);
  });

  it('sweeps expired reservations exactly once, even with two sweepers', async () => {
    await receive('EXP-1', berlin, 10);
    const held = await Promise.all(
      Array.from({ length: 5 }, (_, i) => reserve(`exp-${i}`, [{ sku: 'EXP-1', quantity: 2 }], 1)),
    );
    expect((await stockOf('EXP-1'))[0]!.available).toBe(0);

    const later = new Date(Date.now() + 5000);
    const counts = await Promise.all([
      inventory.services.inventory.releaseExpiredReservations(later),
      inventory.services.inventory.releaseExpiredReservations(later),
    ]);
    expect(counts[0] + counts[1]).toBe(5);
    for (const r of held) {
      const read = dataOf(
        await gql(
          `query ($id: ID!) { reservation(id: $id) { status } }`,
          { id: r.reservation.id },
          orders,
        ),
      );
      expect(read.reservation.status).toBe('RELEASED');
    }
    expect(await stockOf('EXP-1')).toEqual([
      expect.objectContaining({ onHand: 10, reserved: 0, available: 10 }),
    ]);
    const releases = await sql(
      `SELECT reason FROM inventory.stock_movement WHERE sku = 'EXP-1' AND kind = 'RELEASE'`,
    );
    expect(releases).toEqual(Array(5).fill({ reason: 'expired' }));
    expect(await inventory.services.inventory.releaseExpiredReservations(later)).toBe(0);
  });

  it('commits an expired reservation that the sweeper has not released yet', async () => {
    await receive('EXP-2', berlin, 3);
    const held = (await reserve('exp-late', [{ sku: 'EXP-2', quantity: 3 }], 1)).reservation;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await act('reservationCommit', held.id)).reservation.status).toBe('COMMITTED');
    expect(
      await inventory.services.inventory.releaseExpiredReservations(new Date(Date.now() + 5000)),
    ).toBe(0);
    expect((await stockOf('EXP-2'))[0]!.reserved).toBe(3);
  });

  it('runs the sweeper in the background every RESERVATION_SWEEP_MS', async () => {
    await receive('BG-1', berlin, 2);
    const held = (await reserve('bg-1', [{ sku: 'BG-1', quantity: 2 }], 1)).reservation;
    process.env.RESERVATION_SWEEP_MS = '100';
    const stop = inventorySubgraph.startBackground!(inventory.services);
    try {
      const deadline = Date.now() + 5000;
      let status = 'ACTIVE';
      while (status === 'ACTIVE' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const rows = await sql<{ status: string }>(
          `SELECT status FROM inventory.reservation WHERE id = $1`,
          [held.id],
        );
        status = rows[0]!.status;
      }
      expect(status).toBe('RELEASED');
    } finally {
      stop();
      delete process.env.RESERVATION_SWEEP_MS;
    }
    expect((await stockOf('BG-1'))[0]!.available).toBe(2);
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
          anonymous,
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
        anonymous,
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
    const service = inventory.services.inventory;
    await Promise.all(
      skus.map((sku, i) => service.receiveStock({ sku, warehouseId: berlin, quantity: i + 1 })),
    );
    await Promise.all(
      skus
        .filter((_, i) => i % 2 === 0)
        .map((sku) => service.receiveStock({ sku, warehouseId: paris, quantity: 1 })),
    );
    const cost = async (count: number) => {
      const before = inventory.statements.count;
      const result = dataOf(
        await gql(
          `query ($representations: [_Any!]!) { _entities(representations: $representations) {
             ... on ProductVariant { sku availableQuantity inventoryItems { available warehouse { code } } } } }`,
          {
            representations: skus
              .slice(0, count)
              .map((sku) => ({ __typename: 'ProductVariant', sku })),
          },
          anonymous,
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
      return inventory.statements.count - before;
    };
    const five = await cost(5);
    const forty = await cost(40);
    expect(five).toBe(forty);
    expect(forty).toBeLessThanOrEqual(2);
  });

  it('answers malformed ids and cursors with BAD_USER_INPUT, never a 500', async () => {
    const craftedCursor = Buffer.from('c1:["x"]').toString('base64url');
    const cases: [string, Record<string, unknown>, Viewer][] = [
      [`{ inventoryItem(id: "not-a-uuid") { id } }`, {}, anonymous],
      [`{ reservation(id: "42") { id } }`, {}, anonymous],
      [`{ stockMovements(sku: "X", after: "garbage") { totalCount } }`, {}, anonymous],
      [
        `query ($c: String) { stockMovements(sku: "X", after: $c) { totalCount } }`,
        { c: craftedCursor },
        anonymous,
      ],
      [
        `query ($c: String) { lowStockItems(after: $c) { totalCount } }`,
        { c: craftedCursor },
        anonymous,
      ],
      [`{ lowStockItems(first: 101) { totalCount } }`, {}, anonymous],
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
        anonymous,
      ),
    );
    expect(entity._entities).toEqual([null, null]);
  });
});
