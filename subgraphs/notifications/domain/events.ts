import type { EntityManager } from 'typeorm';
import { createLogger } from '../../../platform/logging';
import {
  ORDER_CONFIRMED_TOPIC,
  ORDER_DELIVERED_TOPIC,
  ORDER_RETURN_RECEIVED_TOPIC,
  ORDER_SHIPPED_TOPIC,
  type OrderConfirmedEvent,
  type OrderFulfillmentEvent,
  type OrderReturnReceivedEvent,
} from '../../../platform/topics';
import type { Recipient } from '../gateways';
import { localeFor, type Locale } from './locale';
import type { DeliveryQueue } from './queue';
import { render, type TemplateData, type TemplateName } from './templates';

const log = createLogger('notifications');

/** What notifications remembers of an order from its confirmed event. */
interface Contact {
  orderId: string;
  orderNumber: string | null;
  email: string;
  name: string;
  locale: Locale;
}

export interface EventMailerDeps {
  queue: DeliveryQueue;
  /** Identity's word on a customer, for events that carry no address. */
  recipient(customerId: string): Promise<Recipient | null>;
  defaultLocale: Locale;
  storefrontUrl: string;
}

type Event<E> = E & { eventId: string };

/**
 * Turns other domains' events into queued emails, inside the event's inbox transaction:
 * the contact and the delivery commit with the inbox row, or neither does.
 */
export class EventMailer {
  constructor(private readonly deps: EventMailerDeps) {}

  async orderConfirmed(tx: EntityManager, event: Event<OrderConfirmedEvent>): Promise<boolean> {
    let email = event.email ?? null;
    let name = event.shippingAddress?.name ?? '';
    if (!email && event.customerId) {
      const customer = await this.deps.recipient(event.customerId);
      email = customer?.email ?? null;
      name ||= customer?.name ?? '';
    }
    if (!email) {
      log.warn('order confirmed without an address to mail', { orderId: event.orderId });
      return false;
    }
    const contact: Contact = {
      orderId: event.orderId,
      orderNumber: event.number != null ? String(event.number) : null,
      email: email.toLowerCase(),
      name,
      locale: localeFor({ country: event.shippingAddress?.country }, this.deps.defaultLocale),
    };
    await tx.query(
      `INSERT INTO notifications.order_contact
         (order_id, order_number, customer_id, email, name, locale, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (order_id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name,
         locale = EXCLUDED.locale, order_number = EXCLUDED.order_number, updated_at = now()`,
      [
        contact.orderId,
        contact.orderNumber,
        event.customerId,
        contact.email,
        contact.name,
        contact.locale,
        event.currency,
      ],
    );
    return this.queue(tx, event, ORDER_CONFIRMED_TOPIC, 'ORDER_CONFIRMED', contact, {
      lines: event.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    });
  }

  orderShipped(tx: EntityManager, event: Event<OrderFulfillmentEvent>): Promise<boolean> {
    return this.aboutOrder(tx, event, ORDER_SHIPPED_TOPIC, 'ORDER_SHIPPED', {});
  }

  orderDelivered(tx: EntityManager, event: Event<OrderFulfillmentEvent>): Promise<boolean> {
    return this.aboutOrder(tx, event, ORDER_DELIVERED_TOPIC, 'ORDER_DELIVERED', {});
  }

  returnReceived(tx: EntityManager, event: Event<OrderReturnReceivedEvent>): Promise<boolean> {
    const itemCount = event.items.reduce((sum, item) => sum + item.quantity, 0);
    return this.aboutOrder(tx, event, ORDER_RETURN_RECEIVED_TOPIC, 'RETURN_RECEIVED', {
      itemCount,
    });
  }

  /** Later events name only the order: its contact is what the confirmed event left. */
  private async aboutOrder(
    tx: EntityManager,
    event: Event<{ orderId: string }>,
    topic: string,
    template: TemplateName,
    extra: Partial<TemplateData>,
  ): Promise<boolean> {
    const rows: Contact[] = await tx.query(
      `SELECT order_id AS "orderId", order_number::text AS "orderNumber", email, name, locale
       FROM notifications.order_contact WHERE order_id = $1`,
      [event.orderId],
    );
    if (!rows[0]) {
      log.warn('no contact for the order: not mailed', { topic, orderId: event.orderId });
      return false;
    }
    return this.queue(tx, event, topic, template, rows[0], extra);
  }

  private async queue(
    tx: EntityManager,
    event: Event<unknown>,
    topic: string,
    template: TemplateName,
    contact: Contact,
    extra: Partial<TemplateData>,
  ): Promise<boolean> {
    const data: TemplateData = {
      name: contact.name || contact.email,
      orderNumber: contact.orderNumber ? `#${contact.orderNumber}` : contact.orderId.slice(0, 8),
      orderUrl: `${this.deps.storefrontUrl.replace(/\/$/, '')}/orders/${contact.orderId}`,
      ...extra,
    };
    const id = await this.deps.queue.enqueue(tx, {
      eventId: event.eventId,
      topic,
      template,
      recipient: contact.email,
      locale: contact.locale,
      orderId: contact.orderId,
      email: render(template, contact.locale, data),
    });
    return id !== null;
  }
}
