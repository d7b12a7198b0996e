import { BatchDrainer } from '../../../platform/batch-drainer';
import { createLogger } from '../../../platform/logging';
import {
  checkUrlForm,
  outboundDispatcher,
  type OutboundPolicy,
} from '../../../platform/outbound-guard';
import { webhookHeaders } from '../../../platform/webhook-signature';
import { fetch, type Agent } from 'undici';
import { deliveryRequest } from './event-document';
import type { DeliveryAttempts } from './attempts';
import type { DeliveryQueue, DueDelivery } from './queue';

const log = createLogger('webhooks');

export interface SenderDeps {
  queue: DeliveryQueue;
  attempts: DeliveryAttempts;
  /** The app's access token (identity, cached). */
  appToken(appId: string): Promise<string>;
  /** The document's result through the router, as the app. */
  resolve(token: string, query: string, variables: Record<string, unknown>): Promise<string>;
  /** Which addresses an endpoint may have (checked again at every connection). */
  policy: OutboundPolicy;
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
  private readonly dispatcher: Agent;

  constructor(private readonly deps: SenderDeps) {
    this.dispatcher = outboundDispatcher(deps.policy);
    this.drainer = new BatchDrainer(
      () => this.deps.queue.claimDue(this.deps.batch, this.deps.leaseMs),
      (delivery) => this.sendOne(delivery),
    );
  }

  /** Closes the kept-alive connections to endpoints. */
  close(): Promise<void> {
    return this.dispatcher.close();
  }

  /** Sends until nothing is due; resolves with how many were delivered. */
  sendDue(): Promise<number> {
    return this.drainer.run();
  }

  private async sendOne(delivery: DueDelivery): Promise<number> {
    let status: number | null = null;
    const attemptedAt = new Date();
    const tried = (error: string | null) =>
      this.deps.attempts.record({
        deliveryId: delivery.id,
        attemptedAt,
        durationMs: Date.now() - attemptedAt.getTime(),
        responseStatus: status,
        error,
      });
    try {
      let payload = delivery.payload;
      if (payload === null) {
        const token = await this.deps.appToken(delivery.appId);
        const request = deliveryRequest(delivery.query, delivery.id, delivery.variables);
        payload = await this.deps.resolve(token, request.query, request.variables);
        await this.deps.queue.savePayload(delivery.id, payload);
      }
      // Registered under the same policy, but an IP-literal host is refused here too (the
      // dispatcher's lookup only sees names); a refusal is a failed attempt in the ledger.
      checkUrlForm(delivery.url, this.deps.policy);
      // The delivery id is the webhook-id: the same for every attempt, so receivers dedupe.
      const response = await fetch(delivery.url, {
        dispatcher: this.dispatcher,
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
      const reason = failureReason(error);
      await tried(reason);
      const outcome = await this.deps.queue.markFailed(delivery, reason, status);
      log[outcome === 'DEAD' ? 'error' : 'warn']('webhook not delivered', {
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
        status: outcome,
        error: reason,
      });
      return 0;
    }
    await tried(null);
    await this.deps.queue.markDelivered(delivery.id, status);
    return 1;
  }
}

/** undici reports a refused connection as "fetch failed"; its cause says why. */
function failureReason(error: unknown): string {
  const cause = (error as { cause?: Error }).cause;
  const message = (error as Error).message || String(error);
  return cause?.message ? `${message}: ${cause.message}` : message;
}
