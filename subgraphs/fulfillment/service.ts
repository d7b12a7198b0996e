import { type DataSource, In } from 'typeorm';
import type { EventHandler } from '../../platform/events/consume';
import { type Connection, type PageRequest, toConnection } from '../../platform/pagination';
import {
  ORDER_CHANGED_TOPIC,
  ORDER_CONFIRMED_TOPIC,
  ORDER_OVERRIDDEN_TOPIC,
  SHIPMENT_DELIVERED_TOPIC,
  type OrderChangedEvent,
  type OrderConfirmedEvent,
  type OrderOverriddenEvent,
  type ShipmentDeliveredEvent,
} from '../../platform/topics';
import { createLogger } from '../../platform/logging';
import { Assignment } from './domain/assignment';
import { Dispatch } from './domain/dispatch';
import { OrderChanges } from './domain/order-changes';
import { Picking } from './domain/picking';
import { StaffOverrides } from './domain/staff-overrides';
import type { DistanceOracle, LabelPurchaser } from './domain/ports';
import { WarehouseSetup } from './domain/setup';
import { STRATEGIES, type StrategyName } from './domain/strategies';
import {
  FulfillmentLineRow,
  FulfillmentOrderLineRow,
  FulfillmentOrderRow,
  FulfillmentRow,
  type FulfillmentStatus,
  PickListRow,
} from './entities';
import type { InventoryGateway } from './gateways';

const log = createLogger('fulfillment');

/** The outside world through ports; index.ts says which implementation runs. */
export interface FulfillmentPorts {
  labels: LabelPurchaser;
  distance: DistanceOracle;
}

export interface FulfillmentDeps {
  db: DataSource;
  inventory: InventoryGateway;
  ports: FulfillmentPorts;
  strategy: StrategyName;
  horizonHours: number;
}

/**
 * Fulfillment's entry point: fulfillment orders from orders' events, assignment to
 * warehouses, the warehouse floor (domain/picking.ts), dispatch and delivery. No GraphQL here.
 */
export class FulfillmentService {
  readonly assignment: Assignment;
  readonly picking: Picking;
  readonly dispatch: Dispatch;
  readonly setup: WarehouseSetup;
  readonly changes = new OrderChanges();
  readonly overrides = new StaffOverrides();
  /** Tests swap the ports (a fake label purchaser); nothing else changes them. */
  readonly ports: FulfillmentPorts;

  constructor(private readonly deps: FulfillmentDeps) {
    this.ports = deps.ports;
    this.assignment = new Assignment({
      db: deps.db,
      inventory: deps.inventory,
      distance: () => this.ports.distance,
      strategy: () => STRATEGIES[deps.strategy],
      horizonHours: deps.horizonHours,
    });
    this.picking = new Picking(deps.db);
    this.dispatch = new Dispatch(deps.db, deps.inventory, () => this.ports.labels);
    this.setup = new WarehouseSetup(deps.db);
  }

  /** Assigns again after a step that gave units back (short picks, parcels shipped short). */
  async reassign(fulfillment: FulfillmentRow): Promise<FulfillmentRow> {
    await this.assignment.assign(fulfillment.orderId).catch((error) =>
      log.warn('reassignment failed; the sweep retries', {
        orderId: fulfillment.orderId,
        error: (error as Error).message,
      }),
    );
    return fulfillment;
  }

  /** Open fulfillment orders nobody could assign yet (the background sweep). */
  async assignOpen(): Promise<number> {
    const ids = await this.assignment.unassigned();
    for (const id of ids) await this.assignment.assign(id);
    return ids.length;
  }

  /** The events fulfillment acts on: confirmed, changed and overridden orders, received stock, delivered parcels. */
  consumers(): EventHandler<never>[] {
    const confirmed: EventHandler<OrderConfirmedEvent> = {
      topic: ORDER_CONFIRMED_TOPIC,
      handle: (tx, event) => this.assignment.createFromEvent(tx, event),
      // Calls inventory, so after the fulfillment order committed; the sweep retries failures.
      afterCommit: (event) => this.assignment.assign(event.orderId),
    };
    const changed: EventHandler<OrderChangedEvent> = {
      topic: ORDER_CHANGED_TOPIC,
      handle: (tx, event) => this.changes.apply(tx, event).then(() => undefined),
      // New lines and units are assigned like a confirmed order's (a no-op when none are);
      // holds a change shrank are moved to where the remaining parcels are.
      afterCommit: async (event) => {
        await this.assignment.assign(event.orderId);
        await this.assignment.realign(event.orderId);
      },
    };
    const received: EventHandler<{ sku: string }> = {
      topic: 'inventory.stock.received',
      handle: async () => {},
      afterCommit: async (event) => {
        for (const orderId of await this.assignment.waitingFor(event.sku))
          await this.assignment.assign(orderId);
      },
    };
    const delivered: EventHandler<ShipmentDeliveredEvent> = {
      topic: SHIPMENT_DELIVERED_TOPIC,
      handle: (tx, event) => this.dispatch.delivered(tx, event),
    };
    const overridden: EventHandler<OrderOverriddenEvent> = {
      topic: ORDER_OVERRIDDEN_TOPIC,
      handle: (tx, event) => this.overrides.apply(tx, event),
    };
    return [confirmed, changed, received, delivered, overridden] as EventHandler<never>[];
  }

  fulfillmentOrdersByIds(ids: readonly string[]): Promise<FulfillmentOrderRow[]> {
    return this.deps.db.getRepository(FulfillmentOrderRow).findBy({ id: In([...ids]) });
  }

  fulfillmentOrdersByOrderIds(ids: readonly string[]): Promise<FulfillmentOrderRow[]> {
    return this.deps.db.getRepository(FulfillmentOrderRow).findBy({ orderId: In([...ids]) });
  }

  linesOfFulfillmentOrders(ids: readonly string[]): Promise<FulfillmentOrderLineRow[]> {
    return this.deps.db
      .getRepository(FulfillmentOrderLineRow)
      .find({ where: { fulfillmentOrderId: In([...ids]) }, order: { position: 'ASC' } });
  }

  fulfillmentsByIds(ids: readonly string[]): Promise<FulfillmentRow[]> {
    return this.deps.db.getRepository(FulfillmentRow).findBy({ id: In([...ids]) });
  }

  fulfillmentsOfOrders(orderIds: readonly string[]): Promise<FulfillmentRow[]> {
    return this.deps.db
      .getRepository(FulfillmentRow)
      .find({ where: { orderId: In([...orderIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  fulfillmentsOfPickLists(ids: readonly string[]): Promise<FulfillmentRow[]> {
    return this.deps.db
      .getRepository(FulfillmentRow)
      .find({ where: { pickListId: In([...ids]) }, order: { slotStart: 'ASC', id: 'ASC' } });
  }

  linesOfFulfillments(ids: readonly string[]): Promise<FulfillmentLineRow[]> {
    return this.deps.db
      .getRepository(FulfillmentLineRow)
      .find({ where: { fulfillmentId: In([...ids]) }, order: { sku: 'ASC', id: 'ASC' } });
  }

  pickListsByIds(ids: readonly string[]): Promise<PickListRow[]> {
    return this.deps.db.getRepository(PickListRow).findBy({ id: In([...ids]) });
  }

  /** A warehouse's queue: by slot, then age. */
  async listFulfillments(
    page: PageRequest,
    filter: { warehouseId: string; status?: FulfillmentStatus | null },
  ): Promise<Connection<FulfillmentRow>> {
    const query = this.deps.db
      .getRepository(FulfillmentRow)
      .createQueryBuilder('f')
      .where('f.warehouse_id = :warehouseId', { warehouseId: filter.warehouseId });
    if (filter.status) query.andWhere('f.status = :status', { status: filter.status });
    const totalCount = await query.clone().getCount();
    if (page.after) {
      const [slot, id] = page.after;
      query.andWhere('(f.slot_start, f.id) > (:slot, :id)', { slot, id });
    }
    const rows = await query
      .orderBy('f.slot_start', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .take(page.limit + 1)
      .getMany();
    return toConnection(rows, page, (row) => [row.slotStart.toISOString(), row.id], totalCount);
  }
}
