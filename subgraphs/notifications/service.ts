import type { DataSource } from 'typeorm';
import type { EventHandler } from '../../platform/events/consume';
import { DomainError } from '../../platform/errors';
import { isUuid } from '../../platform/ids';
import type { PageArgs } from '../../platform/pagination';
import {
  ORDER_CONFIRMED_TOPIC,
  ORDER_DELIVERED_TOPIC,
  ORDER_RETURN_RECEIVED_TOPIC,
  ORDER_SHIPPED_TOPIC,
  type OrderConfirmedEvent,
  type OrderFulfillmentEvent,
  type OrderReturnReceivedEvent,
} from '../../platform/topics';
import { createLogger } from '../../platform/logging';
import type { NotificationsConfig } from './config';
import type { DevMailbox, ReceivedMail } from './domain/dev-mailbox';
import { EventMailer } from './domain/events';
import type { Mailer } from './domain/mailer';
import { DeliveryQueue, type DeliveryStatus } from './domain/queue';
import { DeliverySender } from './domain/sender';
import { NotificationsErrorCode } from './errors';
import type { IdentityGateway } from './gateways';

const log = createLogger('notifications');

/**
 * Notifications' entry point: other domains' events in (each queued as an email in its
 * inbox transaction, then sent at once), the sender the periodic job runs, and what
 * staff see and retry.
 */
export class NotificationsService {
  readonly queue: DeliveryQueue;
  readonly sender: DeliverySender;
  private readonly events: EventMailer;

  constructor(
    db: DataSource,
    readonly mailer: Mailer,
    identity: IdentityGateway,
    readonly config: NotificationsConfig,
    /** The development SMTP server, when mail does not leave the process (SMTP_URL unset). */
    readonly devMailbox: DevMailbox | null,
  ) {
    this.queue = new DeliveryQueue(db, {
      maxAttempts: config.NOTIFICATIONS_MAX_ATTEMPTS,
      baseMs: config.NOTIFICATIONS_RETRY_BASE_MS,
      maxMs: config.NOTIFICATIONS_RETRY_MAX_MS,
    });
    this.sender = new DeliverySender(this.queue, mailer, {
      batch: config.NOTIFICATIONS_SEND_BATCH,
      // Longer than an SMTP conversation may take, so a live sender's claim never lapses.
      leaseMs: config.SMTP_TIMEOUT_MS * 3 + 1_000,
    });
    this.events = new EventMailer({
      queue: this.queue,
      recipient: (id) => identity.recipient(id),
      defaultLocale: config.NOTIFICATIONS_DEFAULT_LOCALE,
      storefrontUrl: config.STOREFRONT_URL,
    });
  }

  consumers(): EventHandler<never>[] {
    const kick = async () => this.kick();
    const handlers: [
      EventHandler<OrderConfirmedEvent>,
      EventHandler<OrderFulfillmentEvent>,
      EventHandler<OrderFulfillmentEvent>,
      EventHandler<OrderReturnReceivedEvent>,
    ] = [
      {
        topic: ORDER_CONFIRMED_TOPIC,
        handle: async (tx, e) => void (await this.events.orderConfirmed(tx, e)),
        afterCommit: kick,
      },
      {
        topic: ORDER_SHIPPED_TOPIC,
        handle: async (tx, e) => void (await this.events.orderShipped(tx, e)),
        afterCommit: kick,
      },
      {
        topic: ORDER_DELIVERED_TOPIC,
        handle: async (tx, e) => void (await this.events.orderDelivered(tx, e)),
        afterCommit: kick,
      },
      {
        topic: ORDER_RETURN_RECEIVED_TOPIC,
        handle: async (tx, e) => void (await this.events.returnReceived(tx, e)),
        afterCommit: kick,
      },
    ];
    return handlers as unknown as EventHandler<never>[];
  }

  deliveries(
    filter: { status?: DeliveryStatus | null; recipient?: string | null; orderId?: string | null },
    page: PageArgs,
  ) {
    return this.queue.list(filter, page);
  }

  async retry(id: string) {
    if (!isUuid(id)) {
      throw new DomainError(NotificationsErrorCode.INVALID_ID, 'Not a delivery id', ['id']);
    }
    const delivery = await this.queue.retry(id.toLowerCase());
    this.kick();
    return delivery;
  }

  /** Sends what is due now, in the background: a failure here is the periodic job's to retry. */
  private kick(): void {
    this.sender
      .sendDue()
      .catch((error: Error) => log.warn('immediate send failed', { error: error.message }));
  }

  devMails(recipient: string | null | undefined, first: number | null | undefined): ReceivedMail[] {
    const limit = Math.min(Math.max(first ?? 20, 0), 100);
    return (this.devMailbox?.messages(recipient) ?? []).slice(-limit).reverse();
  }
}
