import { BatchDrainer } from '../../../platform/batch-drainer';
import { createLogger } from '../../../platform/logging';
import { webhookHeaders } from '../../../platform/webhook-signature';
import type { DeliveryQueue, DueDelivery } from './queue';

const log = createLogger('webhooks');

export interface SenderDeps {
  queue: DeliveryQueue;
  /** The app's access token (identity, cached). */
  appToken(appId: string): Promise<string>;
  /** The document's result through the router, as the app. */
  resolve(token: string, query: string, variables: Record<string, unknown>): Promise<string>;
  timeoutMs: number;
  batch: number;
  leaseMs: number;
}

/**
 * Sends what is due: claims a batch, resolves each delivery's document once (the payload is
 * kept, so retries send the same bytes), POSTs it signed, records the outcome. Runs from
 * the periodic job and is kicked when an event queued a delivery; runs within a process
 * never overlap (a kick during a run asks for one more run after it).
 */
export class WebhookSender {
  private readonly drainer: BatchDrainer<DueDelivery>;

  constructor(private readonly deps: SenderDeps) {
    this.drainer = new BatchDrainer(
      () => this.deps.queue.claimDue(this.deps.batch, this.deps.leaseMs),
      (delivery) => this.sendOne(delivery),
    );
  }

  /** Sends until nothing is due; resolves with how many were delivered. */
  sendDue(): Promise<number> {
    return this.drainer.run();
  }

  private async sendOne(delivery: DueDelivery): Promise<number> {
    let status: number | null = null;
    try {
      let payload = delivery.payload;
      if (payload === null) {
        const token = await this.deps.appToken(delivery.appId);
        payload = await this.deps.resolve(token, delivery.query, delivery.variables);
        await this.deps.queue.savePayload(delivery.id, payload);
      }
      // The delivery id is the webhook-id: the same for every attempt, so receivers dedupe.
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...webhookHeaders(delivery.secret, delivery.id, payload),
        },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status < 200 || status >= 300) throw new Error(`The endpoint answered HTTP ${status}`);
    } catch (error) {
      const reason = (error as Error).message || String(error);
      const outcome = await this.deps.queue.markFailed(delivery, reason, status);
      log[outcome === 'DEAD' ? 'error' : 'warn']('webhook not delivered', {
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
        status: outcome,
        error: reason,
      });
      return 0;
    }
    await this.deps.queue.markDelivered(delivery.id, status);
    return 1;
  }
}
