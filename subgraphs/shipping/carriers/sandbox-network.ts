import type { DataSource } from 'typeorm';
import type { Logger } from '../../../platform/logging';
import type { ShipmentStatus } from '../entities';
import { CARRIER_SIGNATURE_HEADER, signCarrierWebhook } from '../domain/webhook-signature';

/** Where a sandbox parcel is after each step of its journey (step 0: label bought). */
export const JOURNEY: readonly ShipmentStatus[] = [
  'LABEL_PURCHASED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
];

const DESCRIPTIONS: Record<string, string> = {
  IN_TRANSIT: 'Parcel received at the sandbox hub',
  OUT_FOR_DELIVERY: 'Out for delivery',
  DELIVERED: 'Delivered to the recipient',
};

export interface SandboxNetworkOptions {
  /** Seconds between two steps of a parcel's journey. */
  stepSeconds: number;
  /** The secret the carriers sign webhooks with (the shop's SHIPPING_WEBHOOK_SECRET). */
  webhookSecret: string;
  /** The shop's webhook for `carrier`, or undefined while it is not known yet. */
  webhookUrl(carrier: string): string | undefined;
  log: Logger;
}

/**
 * The sandbox carriers' own side: what a real carrier does after it sold a label. Each
 * outbound parcel moves a step along IN_TRANSIT → OUT_FOR_DELIVERY → DELIVERED every
 * `stepSeconds`, and each step reaches the shop the way a carrier's does, as a signed
 * POST to its webhook, with an event id that is the same on a retry (so a repeat is a
 * duplicate). A step the shop did not take (not 2xx) is sent again later. The state is
 * the parcel's row (shipping.sandbox_parcel), claimed with SKIP LOCKED so replicas never
 * send one step twice at once.
 */
export class SandboxCarrierNetwork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: SandboxNetworkOptions,
  ) {}

  /** Sends every step that is due; the number sent. */
  async tick(): Promise<number> {
    // An UPDATE … RETURNING answers [rows, affected count] through TypeORM.
    const [due]: [{ tracking_number: string; carrier: string; journey_step: number }[], number] =
      await this.dataSource.query(
        `UPDATE shipping.sandbox_parcel p SET journey_step = p.journey_step + 1, last_event_at = now()
          WHERE p.tracking_number IN (
            SELECT tracking_number FROM shipping.sandbox_parcel
             WHERE kind = 'OUTBOUND' AND journey_step < $1
               AND last_event_at <= now() - make_interval(secs => $2)
             ORDER BY last_event_at LIMIT 50 FOR UPDATE SKIP LOCKED)
          RETURNING p.tracking_number, p.carrier, p.journey_step`,
        [JOURNEY.length - 1, this.options.stepSeconds],
      );
    let sent = 0;
    for (const parcel of due) {
      if (await this.send(parcel.carrier, parcel.tracking_number, parcel.journey_step)) sent += 1;
      else
        await this.dataSource.query(
          `UPDATE shipping.sandbox_parcel SET journey_step = journey_step - 1
            WHERE tracking_number = $1 AND journey_step = $2`,
          [parcel.tracking_number, parcel.journey_step],
        );
    }
    return sent;
  }

  private async send(carrier: string, trackingNumber: string, step: number): Promise<boolean> {
    const url = this.options.webhookUrl(carrier);
    if (!url) return false;
    const status = JOURNEY[step]!;
    const body = JSON.stringify({
      id: `sandbox-${trackingNumber}-${step}`,
      type: 'tracking.updated',
      trackingNumber,
      status,
      description: DESCRIPTIONS[status] ?? status,
      occurredAt: new Date().toISOString(),
    });
    const signature = signCarrierWebhook(
      this.options.webhookSecret,
      Math.floor(Date.now() / 1000),
      body,
    );
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CARRIER_SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      // 404: no shipment of the shop's has this number (a label bought and never used).
      if (response.ok || response.status === 404) return true;
      this.options.log.warn('sandbox carrier webhook refused', {
        carrier,
        trackingNumber,
        status: response.status,
      });
      return false;
    } catch (error) {
      this.options.log.warn('sandbox carrier webhook failed', { carrier, error: String(error) });
      return false;
    }
  }
}
