import { createLogger } from '../../../platform/logging';
import type { Mailer } from './mailer';
import type { DeliveryQueue } from './queue';

const log = createLogger('notifications');

/**
 * Sends what is due: claims a batch, hands each to the mailer, records the outcome. Runs
 * from the periodic job and is kicked when an event queued a new email; runs within a
 * process never overlap (a kick during a run asks for one more run after it).
 */
export class DeliverySender {
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly mailer: Mailer,
    private readonly options: { batch: number; leaseMs: number },
  ) {}

  /** Sends until nothing is due; resolves with how many were sent. */
  sendDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let sent = 0;
      try {
        do {
          this.again = false;
          for (;;) {
            const batch = await this.queue.claimDue(this.options.batch, this.options.leaseMs);
            if (batch.length === 0) break;
            for (const delivery of batch) sent += await this.sendOne(delivery);
          }
        } while (this.again);
      } finally {
        this.running = null;
      }
      return sent;
    })();
    return this.running;
  }

  private async sendOne(delivery: Parameters<DeliveryQueue['markFailed']>[0]): Promise<number> {
    let messageId: string;
    try {
      messageId = await this.mailer.send({
        to: delivery.recipient,
        subject: delivery.subject,
        text: delivery.text,
        html: delivery.html,
        deliveryId: delivery.id,
      });
    } catch (error) {
      const reason = (error as Error).message || String(error);
      const status = await this.queue.markFailed(delivery, reason);
      log[status === 'DEAD' ? 'error' : 'warn']('email not sent', {
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
        status,
        error: reason,
      });
      return 0;
    }
    await this.queue.markSent(delivery.id, messageId);
    return 1;
  }
}
