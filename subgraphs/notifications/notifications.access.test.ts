import { createPubSub, type PubSubHandle } from '../../platform/pubsub';
import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { ORDER_CONFIRMED_TOPIC, type OrderConfirmedEvent } from '../../platform/topics';
import { notificationsSubgraph, type NotificationsServices } from '.';

/**
 * Notifications alone, as `npm start` runs it without SMTP_URL: mail goes over SMTP to the
 * in-process dev mailbox, which staff read; who may read the queue is decided here.
 */
let t: TestSubgraph<NotificationsServices>;
let pubsub: PubSubHandle;

const MAILBOX = `query ($to: String) { devMailbox(recipient: $to) { subject text html to deliveryId } }`;
const DELIVERIES = `query ($status: NotificationDeliveryStatus) {
  notificationDeliveries(status: $status) { totalCount edges { node { id status recipient locale template } } } }`;
const RETRY = `mutation ($id: ID!) { notificationDeliveryRetry(id: $id) { delivery { status } userErrors { field code } } }`;
const staff = { viewer: viewers.staff(['notifications:manage']) };

const event = (orderId: string, eventId: string): OrderConfirmedEvent & { eventId: string } => ({
  orderId,
  number: 7,
  customerId: null,
  email: 'Grace@Example.com',
  currency: 'EUR',
  reservationId: '00000000-0000-4000-8000-000000000001',
  shippingAddress: {
    name: 'Grace Hopper',
    line1: 'Unter den Linden 1',
    city: 'Berlin',
    postalCode: '10117',
    country: 'DE',
  },
  lines: [{ lineId: 'l1', variantId: 'v1', sku: 'TEE-M', quantity: 2 }],
  eventId,
});

beforeAll(async () => {
  // In-process (not REDIS_URL's): a publish is heard before it resolves, so idle() covers it.
  pubsub = createPubSub('', `notifications-access-${process.pid}`);
  t = await startSubgraphForTest(notificationsSubgraph, {
    pubsub,
    env: { AUTHORIZATION_MODE: undefined, SMTP_URL: undefined },
  });
});

afterAll(async () => {
  await t?.stop();
  await pubsub?.close();
});

describe('notifications without SMTP_URL', () => {
  it('mails the order confirmation in the customer language to the dev mailbox, staff read it', async () => {
    const orderId = '00000000-0000-4000-8000-00000000a001';
    await pubsub.pubsub.publish(ORDER_CONFIRMED_TOPIC, event(orderId, 'orders:9001'));
    await t.subgraph.events.idle();
    await t.services.notifications.sender.sendDue();
    const { devMailbox } = await t.data(MAILBOX, { to: 'grace@example.com' }, staff);
    expect(devMailbox).toHaveLength(1);
    expect(devMailbox[0].subject).toBe('Ihre Bestellung #7 ist bestätigt');
    expect(devMailbox[0].text).toContain('Hallo Grace Hopper,');
    expect(devMailbox[0].text).toContain('2 × TEE-M');
    expect(devMailbox[0].html).toContain('<li>2 × TEE-M</li>');
    const { notificationDeliveries } = await t.data(DELIVERIES, { status: 'SENT' }, staff);
    expect(notificationDeliveries.edges.map((e: { node: unknown }) => e.node)).toEqual([
      {
        id: devMailbox[0].deliveryId,
        status: 'SENT',
        recipient: 'grace@example.com',
        locale: 'de',
        template: 'ORDER_CONFIRMED',
      },
    ]);
  });

  it('lets only staff with notifications:manage see the queue and the mailbox, or retry', async () => {
    for (const query of [DELIVERIES, MAILBOX]) {
      const codeOf = async (as: Parameters<typeof t.gql>[2]) =>
        (await t.gql(query, {}, as)).errors?.[0]?.extensions?.code;
      expect(await codeOf({ viewer: viewers.anonymous })).toBe('UNAUTHENTICATED');
      expect(await codeOf({ viewer: viewers.customer('c-1') })).toBe('FORBIDDEN');
      expect(await codeOf({ viewer: viewers.staff(['orders:manage']) })).toBe('FORBIDDEN');
    }
    const retry = await t.gql(
      RETRY,
      { id: '00000000-0000-4000-8000-000000000000' },
      {
        viewer: viewers.customer('c-1'),
      },
    );
    expect(retry.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers a retry of an unknown, a malformed or a sent delivery with a userError', async () => {
    const retry = async (id: string) =>
      (await t.data(RETRY, { id }, staff)).notificationDeliveryRetry.userErrors;
    expect(await retry('00000000-0000-4000-8000-000000000000')).toEqual([
      { field: ['id'], code: 'NOT_FOUND' },
    ]);
    expect(await retry('nope')).toEqual([{ field: ['id'], code: 'INVALID_ID' }]);
    const [sent] = await t.sql(`SELECT id FROM delivery WHERE status = 'SENT' LIMIT 1`);
    expect(await retry(sent!.id)).toEqual([{ field: ['id'], code: 'DELIVERY_ALREADY_SENT' }]);
  });

  it('queues one email per event and recipient even when the inbox lets an event through again', async () => {
    const orderId = '00000000-0000-4000-8000-00000000a002';
    const handler = t.services.notifications
      .consumers()
      .find((h) => h.topic === ORDER_CONFIRMED_TOPIC)!;
    // Three concurrent handlings of one event, each in a transaction of its own (no inbox):
    // the unique key (event id, recipient) lets one insert through.
    await Promise.all(
      [1, 2, 3].map(() =>
        t.subgraph.dataSource.transaction((tx) =>
          handler.handle(tx, event(orderId, 'orders:9002') as never),
        ),
      ),
    );
    const rows = await t.sql(`SELECT count(*)::int AS n FROM delivery WHERE order_id = $1`, [
      orderId,
    ]);
    expect(rows[0]!.n).toBe(1);
  });
});
