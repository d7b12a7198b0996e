import type { DataSource } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import { InventoryErrorCode } from '../errors';
import { checkSku } from './rules';

export interface BackorderPolicy {
  sku: string;
  /** The day more stock is expected (ISO date), when known. */
  expectedAt: string | null;
}

export interface ReservationBackorder {
  reservationId: string;
  sku: string;
  quantity: number;
}

/**
 * Backorders are inventory's: whether a SKU may be sold beyond its stock depends on the
 * supply (a purchase order on its way, its expected date), which is what inventory
 * tracks; catalog says what is for sale, not how much of it exists.
 */
export class Backorders {
  constructor(private readonly db: DataSource) {}

  async setPolicy(input: {
    sku: string;
    allowed: boolean;
    expectedAt?: string | null;
  }): Promise<BackorderPolicy | null> {
    const sku = checkSku(input.sku);
    if (!input.allowed) {
      await this.db.query(`DELETE FROM inventory.backorder_policy WHERE sku = $1`, [sku]);
      return null;
    }
    const expectedAt = input.expectedAt ?? null;
    if (expectedAt !== null && !/^\d{4}-\d{2}-\d{2}$/.test(expectedAt)) {
      throw new DomainError(InventoryErrorCode.INVALID_DATE, 'expectedAt is a date: YYYY-MM-DD', [
        'expectedAt',
      ]);
    }
    if (expectedAt !== null && Number.isNaN(Date.parse(`${expectedAt}T00:00:00Z`))) {
      throw new DomainError(InventoryErrorCode.INVALID_DATE, 'expectedAt is not a real date', [
        'expectedAt',
      ]);
    }
    await this.db.query(
      `INSERT INTO inventory.backorder_policy (sku, expected_at) VALUES ($1, $2)
       ON CONFLICT (sku) DO UPDATE SET expected_at = EXCLUDED.expected_at, updated_at = now()`,
      [sku, expectedAt],
    );
    return { sku, expectedAt };
  }

  async policiesOf(skus: readonly string[]): Promise<BackorderPolicy[]> {
    const rows: { sku: string; expected_at: string | null }[] = await this.db.query(
      `SELECT sku, to_char(expected_at, 'YYYY-MM-DD') AS expected_at FROM inventory.backorder_policy WHERE sku = ANY($1)`,
      [[...skus]],
    );
    return rows.map((r) => ({ sku: r.sku, expectedAt: r.expected_at }));
  }

  async ofReservations(ids: readonly string[]): Promise<ReservationBackorder[]> {
    const rows: { reservation_id: string; sku: string; quantity: number }[] = await this.db.query(
      `SELECT reservation_id, sku, quantity FROM inventory.reservation_backorder
        WHERE reservation_id = ANY($1::uuid[]) ORDER BY sku`,
      [[...ids]],
    );
    return rows.map((r) => ({ reservationId: r.reservation_id, sku: r.sku, quantity: r.quantity }));
  }
}
