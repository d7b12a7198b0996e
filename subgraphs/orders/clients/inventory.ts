import type { ServiceClient } from '../../../platform/service-client';
import {
  type OrdersReservationPayloadFragment,
  OrdersReservationAdjustDocument,
  OrdersReservationCommitDocument,
  OrdersReservationFulfillDocument,
  OrdersReservationReleaseDocument,
  OrdersStockReserveDocument,
} from '../generated/clients/inventory';
import { valueOf } from './raise';

export type ReservationRef = NonNullable<OrdersReservationPayloadFragment['reservation']>;

export class InventoryClient {
  constructor(private readonly client: ServiceClient) {}

  /** Idempotent by reference: a repeated call returns the first reservation, whatever its status. */
  async reserve(
    reference: string,
    lines: { sku: string; quantity: number }[],
    ttlSeconds: number,
  ): Promise<ReservationRef> {
    const { stockReserve } = await this.client.execute(OrdersStockReserveDocument, {
      input: { reference, lines, ttlSeconds },
    });
    return valueOf(stockReserve, stockReserve.reservation, 'reservation');
  }

  async commit(id: string): Promise<ReservationRef> {
    const { reservationCommit: p } = await this.client.execute(OrdersReservationCommitDocument, {
      id,
    });
    return valueOf(p, p.reservation, 'reservation');
  }

  async release(id: string): Promise<ReservationRef> {
    const { reservationRelease: p } = await this.client.execute(OrdersReservationReleaseDocument, {
      id,
    });
    return valueOf(p, p.reservation, 'reservation');
  }

  async fulfill(id: string): Promise<ReservationRef> {
    const { reservationFulfill: p } = await this.client.execute(OrdersReservationFulfillDocument, {
      id,
    });
    return valueOf(p, p.reservation, 'reservation');
  }

  /** Holds more or gives some back; idempotent by reference (the order change). */
  async adjust(
    id: string,
    reference: string,
    lines: { sku: string; delta: number }[],
  ): Promise<ReservationRef> {
    const { reservationAdjust: p } = await this.client.execute(OrdersReservationAdjustDocument, {
      input: { id, reference, lines },
    });
    return valueOf(p, p.reservation, 'reservation');
  }
}
