import { outboxEventIdSql } from '../platform/outbox';
import { startSubgraph } from '../platform/server';
import { subgraphs } from '../subgraphs/registry';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { changeOrder, placeOrders, until } from './support/durable-events';

/**
 * A consuming subgraph that was down gets, once it is back, the events published while it
 * was away: it consumes as a group (Redis Streams, the default transport), and the group
 * keeps its place. Notifications consumes orders' `orders.order.confirmed`.
 */
let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform('consumer-catch-up');
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

const handled = async (eventId: string) =>
  (
    await platform.subgraphs.orders!.dataSource.query(
      `SELECT 1 FROM notifications.inbox WHERE event_id = $1`,
      [eventId],
    )
  ).length === 1;

async function confirmedEventId(orderId: string): Promise<string> {
  const [row] = await platform.subgraphs.orders!.dataSource.query(
    `SELECT ${outboxEventIdSql('orders')} AS event_id FROM orders.outbox
      WHERE topic = 'orders.order.confirmed' AND payload->>'orderId' = $1`,
    [orderId],
  );
  return row.event_id;
}

it('notifications handles the order confirmed while it was down when it comes back', async () => {
  const [first, second] = await placeOrders(platform, 2, 'CATCHUP');
  await changeOrder(platform, first!, 0);
  const firstEvent = await confirmedEventId(first!);
  await until('notifications handled the first confirmation', () => handled(firstEvent));

  await platform.subgraphs.notifications!.stop();
  await changeOrder(platform, second!, 0);
  const missed = await confirmedEventId(second!);
  await until('the confirmation is published', async () => {
    const [row] = await platform.subgraphs.orders!.dataSource.query(
      `SELECT published_at FROM orders.outbox WHERE id = $1`,
      [missed.split(':')[1]],
    );
    return row.published_at !== null;
  });
  // Published, and no one of notifications there to hear it.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(await handled(missed)).toBe(false);

  const restarted = await startSubgraph(
    subgraphs.find((s) => s.name === 'notifications')!,
    {
      databaseUrl: platform.database.url,
      port: 0,
      host: '127.0.0.1',
      subgraphUrls: platform.subgraphUrls,
      pubsub: platform.pubsub,
      background: false,
    },
  );
  platform.subgraphs.notifications = restarted; // the platform stops this one
  await until('the restarted notifications handled it', () => handled(missed), 20_000);
  // Once: its inbox has the event a single time, and the first one was not handled again.
  const rows = await platform.subgraphs.orders!.dataSource.query(
    `SELECT event_id FROM notifications.inbox WHERE event_id = ANY($1)`,
    [[firstEvent, missed]],
  );
  expect(rows).toHaveLength(2);
}, 120_000);
