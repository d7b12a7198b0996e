import { BatchDrainer } from '../../../platform/batch-drainer';
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
  private readonly drainer: BatchDrainer<Parameters<DeliveryQueue['markFailed']>[0]>;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly mailer: Mailer,
    private readonly options: { batch: number; leaseMs: number },
  ) {
    this.drainer = new BatchDrainer(
      () => this.queue.claimDue(this.options.batch, this.options.leaseMs),
      (delivery) => this.sendOne(delivery),
    );
  }

  /** Sends until nothing is due; resolves with how many were sent. */
  sendDue(): Promise<number> {
    return this.drainer.run();
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
