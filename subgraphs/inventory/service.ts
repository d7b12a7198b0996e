import type { PubSubEngine } from 'graphql-subscriptions';
import type { DataSource } from 'typeorm';
import type { AddressDirectory, CatalogDirectory, OrdersDirectory } from './directories';
import { OrphanReconciler } from './domain/orphans';
import { ReservationAllocation } from './domain/allocation';
import { Backorders } from './domain/backorders';
import { ReservationChanges } from './domain/reservation-changes';
import { Reservations } from './domain/reservations';
import { StockChanges } from './domain/stock-changes';
import { StockReads } from './domain/stock-reads';

export type { MovementFilter } from './domain/stock-reads';
export type {
  StockAdjustInput,
  StockChange,
  StockReceiveInput,
  WarehouseInput,
} from './domain/stock-changes';
export { DEFAULT_RESERVATION_TTL_SECONDS, type StockReserveInput } from './domain/reservations';

export interface InventoryDeps {
  db: DataSource;
  pubsub: PubSubEngine;
  catalog: CatalogDirectory;
  /** Location, for warehouse addresses. */
  addresses: AddressDirectory;
  orders: OrdersDirectory;
  /** A COMMITTED reservation without an order is released once this old. */
  orphanAgeSeconds: number;
}

/**
 * Inventory's entry point: reads, staff stock changes, checkout reservations and the
 * reconcilers, each a use case of domain/. on_hand and reserved change only through
 * domain/ledger.ts, which writes the ledger row in the same transaction.
 */
export class InventoryService {
  readonly reads: StockReads;
  readonly changes: StockChanges;
  readonly reservations: Reservations;
  readonly orphans: OrphanReconciler;
  readonly allocation: ReservationAllocation;
  readonly backorders: Backorders;
  readonly reservationChanges: ReservationChanges;

  constructor(deps: InventoryDeps) {
    this.reads = new StockReads(deps.db, deps.pubsub);
    this.changes = new StockChanges(deps.db, deps.catalog, deps.addresses);
    this.reservations = new Reservations(deps.db);
    this.allocation = new ReservationAllocation(deps.db);
    this.backorders = new Backorders(deps.db);
    this.reservationChanges = new ReservationChanges(deps.db);
    this.orphans = new OrphanReconciler(deps.db, deps.orders, deps.orphanAgeSeconds);
  }

  /** Releases every ACTIVE reservation that expired before `now` (the sweeper's job). */
  releaseExpiredReservations(now = new Date()): Promise<number> {
    return this.reservations.releaseExpiredReservations(now);
  }

  /** Releases COMMITTED reservations whose order orders says does not exist (the reconciler's job). */
  releaseOrphanedReservations(now = new Date()): Promise<number> {
    return this.orphans.releaseOrphanedReservations(now);
  }
}
