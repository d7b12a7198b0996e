import { randomUUID } from 'node:crypto';
import { dataOf } from '../../platform/testing/graphql-client';
import type { Viewer } from '../../platform/identity';
import { inventorySubgraph } from '.';
import { type InventoryTest, orders, RESERVATION, staff, startInventoryTest } from './test-support';

let it_: InventoryTest;
let berlin: string;
let paris: string;
const gql = (query: string, variables: Record<string, unknown>, viewer: Viewer) =>
  it_.t.gql(query, variables, { viewer });
const sql = <T = any>(text: string, params: unknown[] = []): Promise<T[]> =>
  it_.t.sql<T>(text, params);
const receive = (...a: Parameters<InventoryTest['receive']>) => it_.receive(...a);
const reserve = (...a: Parameters<InventoryTest['reserve']>) => it_.reserve(...a);
const act = (name: string, id: string) => it_.act(name, id);
const stockOf = (sku: string) => it_.stockOf(sku);

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

describe('inventory subgraph: reservations and their sweepers', () => {
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
        staff,
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
      it_.t.services.inventory.releaseExpiredReservations(later),
      it_.t.services.inventory.releaseExpiredReservations(later),
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
    expect(await it_.t.services.inventory.releaseExpiredReservations(later)).toBe(0);
  });

  it('commits an expired reservation that the sweeper has not released yet', async () => {
    await receive('EXP-2', berlin, 3);
    const held = (await reserve('exp-late', [{ sku: 'EXP-2', quantity: 3 }], 1)).reservation;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await act('reservationCommit', held.id)).reservation.status).toBe('COMMITTED');
    expect(
      await it_.t.services.inventory.releaseExpiredReservations(new Date(Date.now() + 5000)),
    ).toBe(0);
    expect((await stockOf('EXP-2'))[0]!.reserved).toBe(3);
  });

  it('runs the sweeper in the background every RESERVATION_SWEEP_MS', async () => {
    await receive('BG-1', berlin, 2);
    const held = (await reserve('bg-1', [{ sku: 'BG-1', quantity: 2 }], 1)).reservation;
    const stop = inventorySubgraph.startBackground!({
      ...it_.t.services,
      schedule: { sweepMs: 100, orphanSweepMs: 3_600_000 },
    });
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
    }
    expect((await stockOf('BG-1'))[0]!.available).toBe(2);
  });

  it('releases a COMMITTED reservation whose order orders never wrote, once it is old enough, and only then', async () => {
    await receive('ORPH-1', berlin, 10);
    const written = randomUUID();
    const lost = randomUUID();
    it_.ordersHave.add(written);
    const hold = async (reference: string, commit = true) => {
      const r = (await reserve(reference, [{ sku: 'ORPH-1', quantity: 2 }])).reservation;
      if (commit) await act('reservationCommit', r.id);
      return r.id as string;
    };
    const kept = await hold(`order:${written}:1`);
    const orphan = await hold(`order:${lost}:1`);
    const notAnOrder = await hold('manual-hold-1');
    const active = await hold(`order:${randomUUID()}:1`, false);
    const service = it_.t.services.inventory;

    // Younger than ORPHAN_RESERVATION_AGE_SECONDS (900 s by default): orders is not even asked.
    const asked = it_.neighbours.orders.requests.length;
    expect(await service.releaseOrphanedReservations()).toBe(0);
    expect(it_.neighbours.orders.requests.length).toBe(asked);

    // An orders outage never releases anything.
    const later = new Date(Date.now() + 901_000);
    it_.neighbours.ordersDown = true;
    await expect(service.releaseOrphanedReservations(later)).rejects.toThrow(/orders/);
    it_.neighbours.ordersDown = false;
    expect((await stockOf('ORPH-1'))[0]!.reserved).toBe(8);

    expect(await service.releaseOrphanedReservations(later)).toBe(1);
    const statuses = await sql<{ id: string; status: string }>(
      `SELECT id, status FROM inventory.reservation WHERE id = ANY($1)`,
      [[kept, orphan, notAnOrder, active]],
    );
    expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({
      [kept]: 'COMMITTED',
      [orphan]: 'RELEASED',
      [notAnOrder]: 'COMMITTED',
      [active]: 'ACTIVE',
    });
    expect((await stockOf('ORPH-1'))[0]!.reserved).toBe(6);
    expect(
      await sql(
        `SELECT reason FROM inventory.stock_movement WHERE sku = 'ORPH-1' AND kind = 'RELEASE'`,
      ),
    ).toEqual([{ reason: 'order never written' }]);
    const question = it_.neighbours.orders.requests.at(-1)!;
    expect(question.query).toContain('_entities');
    expect(question.variables.representations).toEqual(
      expect.arrayContaining([{ __typename: 'Order', id: lost }]),
    );
    expect(await service.releaseOrphanedReservations(later)).toBe(0);
  });
});
