import { type DataSource, In, type Repository } from 'typeorm';
import type { PubSubEngine } from 'graphql-subscriptions';
import { EventMemo } from '../../../platform/event-memo';
import { liveStream } from '../../../platform/live';
import { type Connection, type PageRequest, toConnection } from '../../../platform/pagination';
import {
  InventoryItemRow,
  ReservationLineRow,
  ReservationRow,
  StockMovementRow,
  WarehouseRow,
} from '../entities';
import { inventoryTopic, type InventoryChangedEvent } from '../events';

export type MovementFilter = { sku: string } | { inventoryItemId: string };

/** Units of a SKU that can be sold now, summed over its warehouses (never below 0 per warehouse). */
export function availableOf(items: readonly InventoryItemRow[]): number {
  return items.reduce((sum, item) => sum + Math.max(0, item.onHand - item.reserved), 0);
}

/** What the resolvers and loaders read: warehouses, items, the ledger, reservations, live changes. */
export class StockReads {
  private readonly warehouses: Repository<WarehouseRow>;
  private readonly items: Repository<InventoryItemRow>;
  private readonly movements: Repository<StockMovementRow>;
  private readonly reservations: Repository<ReservationRow>;
  private readonly lines: Repository<ReservationLineRow>;
  /** Per change, for all of the process's `stockAvailabilityChanged` subscribers at once. */
  private readonly availableAfterChange = new EventMemo<number>();

  constructor(
    db: DataSource,
    private readonly pubsub: PubSubEngine,
  ) {
    this.warehouses = db.getRepository(WarehouseRow);
    this.items = db.getRepository(InventoryItemRow);
    this.movements = db.getRepository(StockMovementRow);
    this.reservations = db.getRepository(ReservationRow);
    this.lines = db.getRepository(ReservationLineRow);
  }

  allWarehouses(): Promise<WarehouseRow[]> {
    return this.warehouses.find({ order: { code: 'ASC' } });
  }

  warehousesByIds(ids: readonly string[]): Promise<WarehouseRow[]> {
    return this.warehouses.findBy({ id: In([...ids]) });
  }

  itemsByIds(ids: readonly string[]): Promise<InventoryItemRow[]> {
    return this.items.findBy({ id: In([...ids]) });
  }

  /** The items of many SKUs in one statement, each SKU's items by warehouse code. */
  itemsBySkus(skus: readonly string[]): Promise<InventoryItemRow[]> {
    return this.items
      .createQueryBuilder('i')
      .innerJoin(WarehouseRow, 'w', 'w.id = i.warehouse_id')
      .where('i.sku IN (:...skus)', { skus: [...skus] })
      .orderBy('w.code', 'ASC')
      .getMany();
  }

  reservationsByIds(ids: readonly string[]): Promise<ReservationRow[]> {
    return this.reservations.findBy({ id: In([...ids]) });
  }

  linesOfReservations(reservationIds: readonly string[]): Promise<ReservationLineRow[]> {
    return this.lines.find({
      where: { reservationId: In([...reservationIds]) },
      order: { sku: 'ASC', quantity: 'DESC' },
    });
  }

  /**
   * A SKU's sellable units over every warehouse after a change (the sum needs every
   * warehouse's item, which the event of one does not carry): read once per change
   * however many subscribers it reaches.
   */
  availableAfter(event: InventoryChangedEvent): Promise<number> {
    return this.availableAfterChange.get(`${event.sku}:${event.movementId}`, async () =>
      availableOf(await this.itemsBySkus([event.sku])),
    );
  }

  /** The SKU's items now, then every change as it commits (see platform/live.ts). */
  watch(sku: string, warehouseId: string | null): AsyncIterableIterator<InventoryChangedEvent> {
    const matches = (event: InventoryChangedEvent) =>
      !warehouseId || event.warehouseId === warehouseId;
    return liveStream<InventoryChangedEvent>(
      this.pubsub,
      inventoryTopic(sku),
      async () =>
        (await this.itemsBySkus([sku]))
          .map((item) => ({
            itemId: item.id,
            sku: item.sku,
            warehouseId: item.warehouseId,
            onHand: item.onHand,
            reserved: item.reserved,
            lowStockThreshold: item.lowStockThreshold,
            updatedAt: item.updatedAt.toISOString(),
            kind: 'CURRENT',
            movementId: '',
          }))
          .filter(matches),
      matches,
    );
  }

  /** The ledger of a SKU or of one item, newest first (by insertion order). */
  async listMovements(
    filter: MovementFilter,
    page: PageRequest,
  ): Promise<Connection<StockMovementRow>> {
    const query = this.movements.createQueryBuilder('m');
    if ('sku' in filter) query.where('m.sku = :sku', { sku: filter.sku });
    else query.where('m.inventory_item_id = :itemId', { itemId: filter.inventoryItemId });
    const totalCount = await query.clone().getCount();
    if (page.after) query.andWhere('m.seq < :afterSeq', { afterSeq: page.after[0] });
    const rows = await query
      .orderBy('m.seq', 'DESC')
      .limit(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.seq], totalCount);
  }

  /** Items whose available quantity is under their threshold, by (sku, id). */
  async listLowStockItems(page: PageRequest): Promise<Connection<InventoryItemRow>> {
    const query = this.items
      .createQueryBuilder('i')
      .where('i.on_hand - i.reserved < i.low_stock_threshold');
    const totalCount = await query.clone().getCount();
    if (page.after) {
      const [sku, id] = page.after;
      query.andWhere('(i.sku, i.id) > (:afterSku, :afterId)', { afterSku: sku, afterId: id });
    }
    const rows = await query
      .orderBy('i.sku', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .limit(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.sku, row.id], totalCount);
  }
}
