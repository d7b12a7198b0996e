import { firstFreeSlot } from './domain/capacity';
import {
  capacityAware,
  type Candidate,
  fewestSplits,
  mostStock,
  nearest,
  type WantedLine,
} from './domain/strategies';

const HOUR = 3_600_000;
const at = (sku: Record<string, number>) => new Map(Object.entries(sku));
const candidate = (id: string, stock: Record<string, number>, extra: Partial<Candidate> = {}) =>
  ({ warehouseId: id, stock: at(stock), distance: 1, nextSlot: 0, ...extra }) as Candidate;
const want = (lines: [string, number][]): WantedLine[] =>
  lines.map(([sku, quantity], i) => ({ lineId: `l${i}`, sku, quantity }));
const where = (plan: ReturnType<typeof mostStock.plan>) =>
  plan.lines.map((l) => `${l.warehouseId}:${l.sku}x${l.quantity}`).sort();

describe('assignment strategies (pure)', () => {
  const lines = want([
    ['A', 2],
    ['B', 1],
  ]);

  it('most stock: the warehouse with the most of the order serves it whole', () => {
    const plan = mostStock.plan(lines, [
      candidate('w1', { A: 2, B: 1 }),
      candidate('w2', { A: 9, B: 9 }),
    ]);
    expect(where(plan)).toEqual(['w2:Ax2', 'w2:Bx1']);
  });

  it('nearest: the nearest warehouse that serves the whole order', () => {
    const plan = nearest.plan(lines, [
      candidate('far', { A: 9, B: 9 }, { distance: 2 }),
      candidate('near', { A: 2, B: 1 }, { distance: 0 }),
    ]);
    expect(where(plan)).toEqual(['near:Ax2', 'near:Bx1']);
  });

  it('splits only when no warehouse can serve everything, and leaves what nobody has', () => {
    const plan = mostStock.plan(
      want([
        ['A', 5],
        ['B', 1],
      ]),
      [candidate('w1', { A: 3 }), candidate('w2', { A: 1, B: 1 })],
    );
    expect(where(plan)).toEqual(['w1:Ax3', 'w2:Ax1', 'w2:Bx1']);
    expect(plan.missing).toEqual(new Map([['l0', 1]]));
  });

  it('fewest splits: covers the order with as few warehouses as it can', () => {
    const three = want([
      ['A', 1],
      ['B', 1],
      ['C', 1],
    ]);
    const plan = fewestSplits.plan(three, [
      candidate('w1', { A: 1 }),
      candidate('w2', { B: 1 }),
      candidate('w3', { B: 1, C: 1, A: 1 }),
    ]);
    expect(where(plan)).toEqual(['w3:Ax1', 'w3:Bx1', 'w3:Cx1']);
  });

  it('capacity-aware: the warehouse with the earliest free slot, even with less stock', () => {
    const plan = capacityAware.plan(lines, [
      candidate('full', { A: 9, B: 9 }, { nextSlot: HOUR }),
      candidate('free', { A: 2, B: 1 }, { nextSlot: 0 }),
    ]);
    expect(where(plan)).toEqual(['free:Ax2', 'free:Bx1']);
  });
});

describe('slots (pure)', () => {
  const now = new Date('2026-12-02T10:20:00Z');
  const ten = Date.parse('2026-12-02T10:00:00Z');
  const capacity = {
    ordersPerDay: 100,
    itemsPerHour: 10,
    ordersPerSlot: 2,
    openHour: 8,
    closeHour: 18,
  };

  it('a full slot moves work to the next hour', () => {
    expect(firstFreeSlot(capacity, new Map([[ten, { orders: 1, items: 2 }]]), 1, now, 24)).toBe(
      ten,
    );
    expect(firstFreeSlot(capacity, new Map([[ten, { orders: 2, items: 2 }]]), 1, now, 24)).toBe(
      ten + HOUR,
    );
  });

  it('items per hour and the day cap count too; closed hours are skipped', () => {
    expect(firstFreeSlot(capacity, new Map([[ten, { orders: 1, items: 9 }]]), 2, now, 24)).toBe(
      ten + HOUR,
    );
    const evening = new Date('2026-12-02T17:30:00Z');
    const five = Date.parse('2026-12-02T17:00:00Z');
    expect(
      firstFreeSlot(capacity, new Map([[five, { orders: 2, items: 2 }]]), 1, evening, 24),
    ).toBe(Date.parse('2026-12-03T08:00:00Z'));
    const dayFull = { ...capacity, ordersPerDay: 2 };
    expect(
      firstFreeSlot(dayFull, new Map([[ten - HOUR, { orders: 2, items: 2 }]]), 1, now, 48),
    ).toBe(Date.parse('2026-12-03T08:00:00Z'));
    expect(firstFreeSlot(capacity, new Map(), 1, now, 1)).toBe(ten);
    expect(firstFreeSlot(null, new Map(), 1, now, 1)).toBe(ten);
  });
});
