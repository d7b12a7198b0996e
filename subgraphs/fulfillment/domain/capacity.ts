import type { EntityManager } from 'typeorm';
import { SlotBookingRow, WarehouseCapacityRow } from '../entities';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const hourOf = (at: Date): number => Math.floor(at.getTime() / HOUR) * HOUR;

interface Booked {
  orders: number;
  items: number;
}

/**
 * The first hourly slot from `now` with room for one more fulfillment of `items` units:
 * inside the opening hours, under the slot's order count and the hour's items (an order
 * bigger than an hour's items fits an empty slot, or it would never ship), and under the
 * day's orders. Pure: capacity and bookings in, the slot's start (ms) or null out.
 */
export function firstFreeSlot(
  capacity: Pick<
    WarehouseCapacityRow,
    'ordersPerDay' | 'itemsPerHour' | 'ordersPerSlot' | 'openHour' | 'closeHour'
  > | null,
  bookings: Map<number, Booked>,
  items: number,
  now: Date,
  horizonHours: number,
): number | null {
  const first = hourOf(now);
  if (!capacity) return first;
  const perDay = new Map<number, number>();
  for (const [start, booked] of bookings) {
    const day = Math.floor(start / DAY) * DAY;
    perDay.set(day, (perDay.get(day) ?? 0) + booked.orders);
  }
  for (let start = first; start < first + horizonHours * HOUR; start += HOUR) {
    const hour = new Date(start).getUTCHours();
    if (hour < capacity.openHour || hour >= capacity.closeHour) continue;
    const booked = bookings.get(start) ?? { orders: 0, items: 0 };
    if (booked.orders >= capacity.ordersPerSlot) continue;
    if (booked.orders > 0 && booked.items + items > capacity.itemsPerHour) continue;
    if ((perDay.get(Math.floor(start / DAY) * DAY) ?? 0) >= capacity.ordersPerDay) continue;
    return start;
  }
  return null;
}

/** Capacity rows and bookings of warehouses from the start of today, for firstFreeSlot. */
export async function loadSlots(
  tx: EntityManager,
  warehouseIds: string[],
  now: Date,
  horizonHours: number,
  lock = false,
): Promise<Map<string, { capacity: WarehouseCapacityRow | null; bookings: Map<number, Booked> }>> {
  const result = new Map<
    string,
    { capacity: WarehouseCapacityRow | null; bookings: Map<number, Booked> }
  >();
  if (!warehouseIds.length) return result;
  const query = tx
    .getRepository(WarehouseCapacityRow)
    .createQueryBuilder('c')
    .where('c.warehouse_id IN (:...ids)', { ids: warehouseIds })
    .orderBy('c.warehouse_id');
  // Bookings of one warehouse serialize on its capacity row, so two orders never take
  // the last place of a slot together.
  if (lock) query.setLock('pessimistic_write');
  const capacities = await query.getMany();
  const from = new Date(Math.floor(now.getTime() / DAY) * DAY);
  const to = new Date(hourOf(now) + horizonHours * HOUR);
  const bookings = await tx
    .getRepository(SlotBookingRow)
    .createQueryBuilder('b')
    .where('b.warehouse_id IN (:...ids) AND b.slot_start >= :from AND b.slot_start < :to', {
      ids: warehouseIds,
      from,
      to,
    })
    .getMany();
  for (const id of warehouseIds) {
    result.set(id, {
      capacity: capacities.find((c) => c.warehouseId === id) ?? null,
      bookings: new Map(
        bookings
          .filter((b) => b.warehouseId === id)
          .map((b) => [b.slotStart.getTime(), { orders: b.orders, items: b.items }]),
      ),
    });
  }
  return result;
}

/** Books one fulfillment of `items` units into a slot (the caller holds the capacity row lock). */
export async function bookSlot(
  tx: EntityManager,
  warehouseId: string,
  slotStart: number,
  items: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO fulfillment.slot_booking (warehouse_id, slot_start, orders, items) VALUES ($1, $2, 1, $3)
     ON CONFLICT (warehouse_id, slot_start)
     DO UPDATE SET orders = slot_booking.orders + 1, items = slot_booking.items + EXCLUDED.items`,
    [warehouseId, new Date(slotStart), items],
  );
}
