import { type InventoryTest, startInventoryTest } from './test-support';

let it_: InventoryTest;
const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  it_.t.sql<T>(text, params);

beforeAll(async () => {
  it_ = await startInventoryTest();
});

afterAll(async () => {
  await it_?.stop();
});

afterEach(async () => {
  expect(await it_.ledgerDrift()).toEqual([]);
});

const codes = (answers: any[]) =>
  answers.map((a) => (a.userErrors.length ? a.userErrors[0].code : 'OK')).sort();

describe('inventory subgraph: many checkouts on one SKU at once', () => {
  it('takes every hold the stock of two warehouses covers, and refuses the rest, never overselling', async () => {
    await it_.receive('HOT-1', it_.berlin, 15);
    await it_.receive('HOT-1', it_.paris, 10);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        it_.reserve(`hot-${i}`, [{ sku: 'HOT-1', quantity: 1 }]),
      ),
    );
    expect(codes(answers)).toEqual([
      ...Array(15).fill('INSUFFICIENT_STOCK'),
      ...Array(25).fill('OK'),
    ]);
    expect((await it_.stockOf('HOT-1')).map((i) => [i.reserved, i.available])).toEqual([
      [15, 0],
      [10, 0],
    ]);
    // A refused hold leaves nothing behind: no reservation, line, movement or event.
    const [left] = await sql(
      `SELECT (SELECT count(*)::int FROM inventory.reservation WHERE reference LIKE 'hot-%') AS reservations,
              (SELECT count(*)::int FROM inventory.reservation_line WHERE sku = 'HOT-1') AS lines,
              (SELECT count(*)::int FROM inventory.stock_movement WHERE sku = 'HOT-1' AND kind = 'RESERVATION') AS movements,
              (SELECT count(*)::int FROM inventory.outbox WHERE topic = 'inventory.changed.HOT-1') AS events`,
    );
    expect(left).toEqual({ reservations: 25, lines: 25, movements: 25, events: 27 });
  });

  it('reserves, commits and releases two SKUs in either order at once without a deadlock', async () => {
    await it_.receive('PAIR-A', it_.berlin, 100);
    await it_.receive('PAIR-B', it_.berlin, 100);
    await it_.receive('PAIR-B', it_.paris, 100);
    const answers = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const lines = [
          { sku: 'PAIR-A', quantity: 1 },
          { sku: 'PAIR-B', quantity: 2 },
        ];
        const held = await it_.reserve(`pair-${i}`, i % 2 ? lines : lines.reverse());
        if (held.userErrors.length) return held;
        const next = i % 3 ? 'reservationCommit' : 'reservationRelease';
        return it_.act(next, held.reservation.id);
      }),
    );
    expect(codes(answers)).toEqual(Array(30).fill('OK'));
    const released = answers.filter((a) => a.reservation.status === 'RELEASED').length;
    const held = 30 - released;
    const stock = Object.fromEntries(
      (
        await sql<{ sku: string; reserved: number }>(
          `SELECT sku, sum(reserved)::int AS reserved FROM inventory.inventory_item
            WHERE sku LIKE 'PAIR-%' GROUP BY sku`,
        )
      ).map((r) => [r.sku, r.reserved]),
    );
    expect(stock).toEqual({ 'PAIR-A': held, 'PAIR-B': 2 * held });
  });

  it('announces each movement as before: the item after it, per SKU and on the stock topic, in ledger order', async () => {
    await it_.receive('EVT-1', it_.berlin, 5);
    await it_.receive('EVT-1', it_.paris, 3);
    const [{ after }] = await sql(`SELECT max(id) AS after FROM inventory.outbox`);
    const held = await it_.reserve('evt-1', [{ sku: 'EVT-1', quantity: 7 }]);
    const movements = await sql(
      `SELECT id, inventory_item_id, warehouse_id, reserved_delta FROM inventory.stock_movement
        WHERE reference = 'evt-1' ORDER BY seq`,
    );
    expect(movements.map((m) => m.reserved_delta).sort()).toEqual([2, 5]);
    const events = await sql(
      `SELECT topic, payload FROM inventory.outbox WHERE id > $1 ORDER BY id`,
      [after],
    );
    const items = await sql(
      `SELECT id, on_hand, reserved, low_stock_threshold, updated_at FROM inventory.inventory_item WHERE sku = 'EVT-1'`,
    );
    expect(events).toEqual(
      movements.flatMap((m) => {
        const item = items.find((i) => i.id === m.inventory_item_id)!;
        return [
          {
            topic: 'inventory.changed.EVT-1',
            payload: {
              itemId: item.id,
              sku: 'EVT-1',
              warehouseId: m.warehouse_id,
              onHand: item.on_hand,
              reserved: item.reserved,
              lowStockThreshold: item.low_stock_threshold,
              updatedAt: new Date(item.updated_at).toISOString(),
              kind: 'RESERVATION',
              movementId: m.id,
            },
          },
          {
            topic: 'inventory.stock.changed',
            payload: {
              sku: 'EVT-1',
              warehouseId: m.warehouse_id,
              onHand: item.on_hand,
              reserved: item.reserved,
            },
          },
        ];
      }),
    );
    const [{ released }] = await sql(`SELECT max(id) AS released FROM inventory.outbox`);
    await it_.act('reservationRelease', held.reservation.id);
    const releases = await sql(
      `SELECT topic, payload->>'kind' AS kind, (payload->>'reserved')::int AS reserved
         FROM inventory.outbox WHERE id > $1 AND topic = 'inventory.changed.EVT-1' ORDER BY id`,
      [released],
    );
    expect(releases).toEqual([
      expect.objectContaining({ kind: 'RELEASE', reserved: 0 }),
      expect.objectContaining({ kind: 'RELEASE', reserved: 0 }),
    ]);
  });
});
