import type { DataSource } from 'typeorm';
import type { CarrierProvider, CarrierResult, LabelRequest, PurchasedLabel } from './provider';
import { renderLabel } from './label';
import { JOURNEY } from './sandbox-network';
import type { ShipmentStatus } from '../entities';

/** The two demo carriers; clearly sandboxes, never a real carrier account. */
export const SANDBOX_CARRIERS = {
  'DHL-sandbox': { prefix: '00340434', returnPrefix: 'RDHL' },
  'UPS-sandbox': { prefix: '1ZSBX', returnPrefix: 'RUPS' },
} as const;
export type SandboxCarrierName = keyof typeof SANDBOX_CARRIERS;

/** An address line that makes the sandbox refuse the label, as a carrier refuses a bad address. */
export const FAIL_LABEL_LINE = 'FAIL-LABEL';

/**
 * A carrier API in PostgreSQL (shipping.sandbox_parcel): tracking numbers in the carrier's
 * format from a sequence (DHL-like 0034043410000001, UPS-like 1ZSBX…), refusals with a
 * carrier error code, and the parcel's state for tracking. Its tracking events reach the
 * shop through the signed webhook: sent by the sandbox network (sandbox-network.ts) when
 * SHIPPING_SANDBOX_STEP_SECONDS is set, or by whoever plays the carrier (tests).
 */
export class SandboxCarrier implements CarrierProvider {
  constructor(
    readonly name: SandboxCarrierName,
    private readonly dataSource: DataSource,
  ) {}

  purchaseLabel(request: LabelRequest): Promise<CarrierResult<PurchasedLabel>> {
    return this.buy(request, 'OUTBOUND');
  }

  purchaseReturnLabel(request: LabelRequest): Promise<CarrierResult<PurchasedLabel>> {
    return this.buy({ ...request, from: request.to, to: request.from }, 'RETURN');
  }

  async track(trackingNumber: string): Promise<{ status: ShipmentStatus } | null> {
    const rows: { journey_step: number }[] = await this.dataSource.query(
      `SELECT journey_step FROM shipping.sandbox_parcel WHERE tracking_number = $1 AND carrier = $2`,
      [trackingNumber, this.name],
    );
    return rows.length ? { status: JOURNEY[rows[0]!.journey_step] ?? 'DELIVERED' } : null;
  }

  private async buy(
    request: LabelRequest,
    kind: 'OUTBOUND' | 'RETURN',
  ): Promise<CarrierResult<PurchasedLabel>> {
    const addressLines = [request.from, request.to].flatMap((a) => [a.line1, a.line2 ?? '']);
    if (addressLines.some((l) => l.toUpperCase().includes(FAIL_LABEL_LINE))) {
      return {
        ok: false,
        code: 'ADDRESS_REJECTED',
        message: `${this.name}: the carrier rejected the address (sandbox ${FAIL_LABEL_LINE})`,
      };
    }
    const [next]: { n: string }[] = await this.dataSource.query(
      `SELECT nextval('shipping.sandbox_tracking_seq')::text AS n`,
    );
    const format = SANDBOX_CARRIERS[this.name];
    const prefix = kind === 'RETURN' ? format.returnPrefix : format.prefix;
    const trackingNumber = `${prefix}${next!.n.padStart(8, '0')}`;
    await this.dataSource.query(
      `INSERT INTO shipping.sandbox_parcel (tracking_number, carrier, kind, to_country) VALUES ($1, $2, $3, $4)`,
      [trackingNumber, this.name, kind, request.to.country],
    );
    const pdf = await renderLabel({
      carrier: this.name,
      trackingNumber,
      from: request.from,
      to: request.to,
      title: kind === 'RETURN' ? 'RETURN LABEL' : 'SHIPPING LABEL',
    });
    return { ok: true, value: { trackingNumber, pdf } };
  }
}

export function sandboxCarriers(dataSource: DataSource): Map<string, CarrierProvider> {
  return new Map(
    (Object.keys(SANDBOX_CARRIERS) as SandboxCarrierName[]).map((name) => [
      name,
      new SandboxCarrier(name, dataSource),
    ]),
  );
}
