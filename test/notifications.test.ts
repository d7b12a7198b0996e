import { outboxEventIdSql } from '../platform/outbox';
import { DevMailbox } from '../subgraphs/notifications/domain/dev-mailbox';
import type { NotificationsServices } from '../subgraphs/notifications';
import { ORDER_CONFIRMED_TOPIC } from '../platform/topics';
import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { randomUUID } from 'node:crypto';
import { callerOf, registerVerified } from './support/accounts';
import {
  type ChangeShop,
  deliveredOrder,
  orderView,
  RETURN_APPROVE,
  RETURN_RECEIVE,
  RETURN_REQUEST,
  run,
  stockChangeShop,
} from './support/changes';
import { confirmedOrder, eventually } from './support/fulfillment';

/**
 * Order emails through the whole platform: orders' and fulfillment's outbox events →
 * notifications' queue in PostgreSQL → SMTP (nodemailer) → an SMTP server this file starts
 * and stops on a port of its own, to play an outage.
 */
let platform: TestPlatform;
let shop: ChangeShop;
const smtp = new DevMailbox();
let smtpPort: number;
const EMAIL = 'ada@example.com';
const ATTEMPTS = 4;

const DELIVERIES = /* GraphQL */ `
  query ($orderId: ID, $status: NotificationDeliveryStatus) {
    notificationDeliveries(orderId: $orderId, status: $status, first: 50) {
      totalCount
      edges {
        node {
          id
          eventId
          template
          status
          attempts
          lastError
          recipient
          subject
          text
          orderId
        }
      }
    }
  }
`;
type DeliveryNode = {
  id: string;
  eventId: string;
  template: string;
  status: string;
  attempts: number;
  lastError: string | null;
  recipient: string;
  subject: string;
  text: string;
  orderId: string;
};

async function deliveries(filter: { orderId?: string; status?: string }): Promise<DeliveryNode[]> {
  const data = dataOf(await platform.query(DELIVERIES, filter)).notificationDeliveries;
  return data.edges.map((e: { node: DeliveryNode }) => e.node);
}

const mailsOf = (deliveryId: string) =>
  smtp.messages(EMAIL).filter((m) => m.deliveryId === deliveryId);

const notifications = () => platform.subgraphs.notifications!.services as NotificationsServices;

beforeAll(async () => {
  smtpPort = await smtp.start(0);
  process.env.SMTP_URL = smtp.url;
  process.env.NOTIFICATIONS_MAX_ATTEMPTS = String(ATTEMPTS);
  // 0.4 s, 0.8 s, 1.6 s between the four attempts; the sender looks every 0.1 s.
  process.env.NOTIFICATIONS_RETRY_BASE_MS = '400';
  process.env.NOTIFICATIONS_SEND_INTERVAL_MS = '100';
  process.env.SMTP_TIMEOUT_MS = '3000';
  platform = await startTestPlatform('notifications', { background: true });
  shop = await stockChangeShop(platform, 'NTF');
});

afterAll(async () => {
  await platform?.stop();
  await smtp.stop();
  for (const name of [
    'SMTP_URL',
    'NOTIFICATIONS_MAX_ATTEMPTS',
    'NOTIFICATIONS_RETRY_BASE_MS',
    'NOTIFICATIONS_SEND_INTERVAL_MS',
    'SMTP_TIMEOUT_MS',
  ])
    delete process.env[name];
});

describe('order emails', () => {
  it('mails confirmed, shipped and delivered once each, also when the confirmed event comes three more times', async () => {
    const orderId = await deliveredOrder(platform, [{ variantId: shop.small, quantity: 2 }]);
    const sent = await eventually(
      () => deliveries({ orderId }),
      (list) => list.length === 3 && list.every((d) => d.status === 'SENT'),
    );
    expect(sent.map((d) => d.template).sort()).toEqual([
      'ORDER_CONFIRMED',
      'ORDER_DELIVERED',
      'ORDER_SHIPPED',
    ]);
    const confirmed = sent.find((d) => d.template === 'ORDER_CONFIRMED')!;
    expect(confirmed).toMatchObject({ recipient: EMAIL, attempts: 1 });
    // The buyer ships to Germany: the mail is in German, and names what was bought.
    const [mail] = mailsOf(confirmed.id);
    expect(mail!.subject).toMatch(/^Ihre Bestellung #\d+ ist bestätigt$/);
    expect(mail!.text).toContain('2 × NTF-S');
    expect(mail!.html).toContain('<li>2 × NTF-S</li>');

    // The confirmed event again, three times, as a relay replaying after a crash would.
    const [row] = await platform.subgraphs.orders!.dataSource.query(
      `SELECT payload, ${outboxEventIdSql('orders')} AS event_id FROM orders.outbox
        WHERE topic = $1 AND payload->>'orderId' = $2`,
      [ORDER_CONFIRMED_TOPIC, orderId],
    );
    const event = { ...row.payload, eventId: row.event_id };
    expect(event.eventId).toBe(confirmed.eventId);
    // The pub/sub may be Redis: wait until this process heard every copy, then until the
    // consumer handled what it heard.
    const heard: unknown[] = [];
    const listening = await platform.pubsub.pubsub.subscribe(
      ORDER_CONFIRMED_TOPIC,
      (e: { eventId?: string }) => void (e.eventId === event.eventId && heard.push(e)),
      {},
    );
    // A broker that stores an event once per id (Redis Streams, JetStream) drops the
    // copies itself; pub/sub and in-process pass them on, and the inbox drops them.
    const passesCopies = !['streams', 'jetstream'].includes(platform.pubsub.pubsub.kind);
    const redeliver = async (times: number) => {
      const before = heard.length;
      for (let i = 0; i < times; i += 1) {
        await platform.pubsub.pubsub.publish(ORDER_CONFIRMED_TOPIC, event);
      }
      await eventually(
        async () => heard.length,
        (n) => n === before + (passesCopies ? times : 0),
      );
      await platform.subgraphs.notifications!.events.idle();
    };
    await redeliver(3);
    // And once more with its inbox row gone: the queue's own key (event id, recipient) holds.
    await platform.subgraphs.notifications!.dataSource.query(
      `DELETE FROM notifications.inbox WHERE event_id = $1`,
      [event.eventId],
    );
    await redeliver(1);
    platform.pubsub.pubsub.unsubscribe(listening);
    const [inbox] = await platform.subgraphs.notifications!.dataSource.query(
      `SELECT count(*)::int AS n FROM notifications.inbox WHERE event_id = $1`,
      [event.eventId],
    );
    // The last copy went through the handler (the inbox took it again) and queued nothing;
    // a deduplicating broker never passed it on (EVENT_TRANSPORT=pubsub runs this path).
    expect(inbox.n).toBe(passesCopies ? 1 : 0);
    await notifications().notifications.sender.sendDue();

    expect((await deliveries({ orderId })).length).toBe(3);
    expect(mailsOf(confirmed.id)).toHaveLength(1);
    expect(smtp.messages(EMAIL).filter((m) => m.subject === mail!.subject)).toHaveLength(1);
  });

  it('retries while the SMTP server is down and delivers when it is back', async () => {
    await smtp.stop();
    const orderId = await confirmedOrder(platform, [{ variantId: shop.medium, quantity: 1 }]);
    const failing = await eventually(
      () => deliveries({ orderId }),
      (list) => (list[0]?.attempts ?? 0) >= 1,
    );
    expect(failing[0]).toMatchObject({ status: 'PENDING', template: 'ORDER_CONFIRMED' });
    expect(failing[0]!.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(mailsOf(failing[0]!.id)).toHaveLength(0);

    await smtp.start(smtpPort);
    const sent = await eventually(
      () => deliveries({ orderId }),
      (list) => list[0]?.status === 'SENT',
    );
    expect(sent[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(sent[0]!.attempts).toBeLessThan(ATTEMPTS);
    expect(mailsOf(sent[0]!.id)).toHaveLength(1);
  });

  it(`dead-letters an email after ${ATTEMPTS} failures; staff see it and send it again`, async () => {
    await smtp.stop();
    const orderId = await confirmedOrder(platform, [{ variantId: shop.large, quantity: 1 }]);
    const dead = await eventually(
      () => deliveries({ orderId }),
      (list) => list[0]?.status === 'DEAD',
      20_000,
    );
    expect(dead[0]!.attempts).toBe(ATTEMPTS);
    // In the dead letter, which staff list by status.
    const letter = await deliveries({ status: 'DEAD' });
    expect(letter.map((d) => d.id)).toContain(dead[0]!.id);
    // Dead stays dead: the sender leaves it alone even with the server back.
    await smtp.start(smtpPort);
    await notifications().notifications.sender.sendDue();
    expect(mailsOf(dead[0]!.id)).toHaveLength(0);

    const retried = dataOf(
      await platform.query(
        `mutation ($id: ID!) { notificationDeliveryRetry(id: $id) {
          delivery { id status attempts } userErrors { code } } }`,
        { id: dead[0]!.id },
      ),
    ).notificationDeliveryRetry;
    expect(retried).toEqual({
      delivery: { id: dead[0]!.id, status: 'PENDING', attempts: 0 },
      userErrors: [],
    });
    const sent = await eventually(
      () => deliveries({ orderId }),
      (list) => list[0]?.status === 'SENT',
    );
    expect(sent[0]!.attempts).toBe(1);
    expect(mailsOf(dead[0]!.id)).toHaveLength(1);
    expect((await deliveries({ status: 'DEAD' })).map((d) => d.id)).not.toContain(dead[0]!.id);
  });

  it('mails a received return to the order contact', async () => {
    const orderId = await deliveredOrder(platform, [{ variantId: shop.mug, quantity: 1 }]);
    const line = (await orderView(platform, orderId)).lines[0];
    const requested = await run(platform, RETURN_REQUEST, {
      input: { orderId, items: [{ lineId: line.id, quantity: 1 }], reason: 'Too small' },
    });
    expect(requested.userErrors).toEqual([]);
    const id = requested.change.id;
    expect((await run(platform, RETURN_APPROVE, { id })).userErrors).toEqual([]);
    const received = await run(platform, RETURN_RECEIVE, {
      id,
      items: [{ lineId: line.id, condition: 'RESTOCK' }],
    });
    expect(received.userErrors).toEqual([]);
    const list = await eventually(
      () => deliveries({ orderId }),
      (l) => l.some((d) => d.template === 'RETURN_RECEIVED' && d.status === 'SENT'),
    );
    const mail = mailsOf(list.find((d) => d.template === 'RETURN_RECEIVED')!.id)[0]!;
    expect(mail.subject).toMatch(/^Ihre Rücksendung zu Bestellung #\d+ ist eingegangen$/);
    expect(mail.text).toContain('wir haben 1 Artikel zurückerhalten');
  });

  it('asks identity (typed client) for the address when an event carries none', async () => {
    const anonymous = callerOf(() => platform.router.url, null);
    const email = 'grace-notify@example.com';
    const customerId = await registerVerified(anonymous, email, 'a long enough passphrase 1', {
      firstName: 'Grace',
      lastName: 'Hopper',
    });
    // An event as orders wrote them before they carried the email.
    const orderId = randomUUID();
    await platform.pubsub.pubsub.publish(ORDER_CONFIRMED_TOPIC, {
      orderId,
      number: 99001,
      customerId,
      currency: 'USD',
      reservationId: randomUUID(),
      shippingAddress: {
        name: '',
        line1: '1 Main St',
        city: 'Newark',
        postalCode: '07102',
        country: 'US',
      },
      lines: [{ lineId: randomUUID(), variantId: shop.medium, sku: 'NTF-M', quantity: 1 }],
      eventId: `test:${orderId}`,
    });
    const [sent] = await eventually(
      () => deliveries({ orderId }),
      (l) => l[0]?.status === 'SENT',
    );
    expect(sent).toMatchObject({ recipient: email, subject: 'Your order #99001 is confirmed' });
    expect(smtp.messages(email)[0]!.text).toContain('Hello Grace Hopper,');
  });
});
