import { startTestPlatform, type TestPlatform } from './support/platform';
import {
  ORDER_UPDATED,
  ResumingSubscriber,
  announced,
  changeOrder,
  placeOrders,
  unpublished,
  until,
} from './support/durable-events';

/**
 * Resuming a subscription from the last event id it saw, the way clients do it: SSE with
 * `Last-Event-ID` (each event has an `id:` line), graphql-ws with `extensions.lastEventId`.
 */
let platform: TestPlatform;
let orderId: string;
let seen: string[];

beforeAll(async () => {
  platform = await startTestPlatform('subscription-resume');
  [orderId] = (await placeOrders(platform, 1, 'RESUME')) as [string];
  await until('checkout events published', async () => (await unpublished(platform)) === 0);
  const before = await announced(platform, orderId);
  const subscriber = new ResumingSubscriber(platform.router.url, orderId);
  await subscriber.start();
  await changeOrder(platform, orderId, 0);
  await until('the capture arrived', async () => {
    const count = (await announced(platform, orderId)) - before;
    return count > 1 && subscriber.eventIds().length === count;
  });
  seen = subscriber.eventIds();
  await subscriber.close();
  // While no one listens.
  await changeOrder(platform, orderId, 1);
  await until('the refund published', async () => (await unpublished(platform)) === 0);
}, 120_000);

afterAll(async () => {
  await platform?.stop();
});

/** An SSE stream read as text; its events with their `id:` line and data. */
async function readSse(headers: Record<string, string>, events: number) {
  const controller = new AbortController();
  const response = await fetch(`${platform.router.url}/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query: ORDER_UPDATED, variables: { id: orderId } }),
    signal: controller.signal,
  });
  const parsed: { id: string | null; data: any }[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const deadline = setTimeout(() => controller.abort(), 10_000);
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop()!;
      for (const block of blocks) {
        const lines = block.split('\n');
        if (!lines.includes('event: next')) continue;
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4) ?? null;
        const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6));
        parsed.push({ id, data });
      }
      if (parsed.length >= events) break;
    }
  } catch {
    // Aborted at the deadline: the assertions say what was missing.
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
  return parsed;
}

it('SSE: each event has an id: line, and Last-Event-ID replays what came after it', async () => {
  const resumed = await readSse({ 'last-event-id': seen[0]! }, seen.length);
  // The events after the first one seen, and the refund sent while no one listened; no
  // "order as it is now" frame, which has no id.
  expect(resumed.length).toBeGreaterThanOrEqual(seen.length);
  expect(resumed.map((e) => e.id)).toEqual(resumed.map((e) => e.data.extensions.eventId));
  expect(resumed.slice(0, seen.length - 1).map((e) => e.id)).toEqual(seen.slice(1));
  expect(resumed.every((e) => e.id !== null && !seen.slice(0, 1).includes(e.id))).toBe(true);
});

it('SSE: a Last-Event-ID the broker no longer holds events after starts from the order now', async () => {
  // Older than anything in the stream (as after a long absence: trimmed, or expired).
  const resumed = await readSse({ 'last-event-id': '1-0' }, 1);
  expect(resumed).toHaveLength(1);
  // The order as it is now (no id: it is no event), not a replay with a hole in it.
  expect(resumed[0]!.id).toBeNull();
  expect(resumed[0]!.data.data.orderUpdated).toMatchObject({ id: orderId });
});

it('graphql-ws: extensions.lastEventId replays the missed events, then goes on live', async () => {
  const resumed = new ResumingSubscriber(platform.router.url, orderId);
  // As if it had seen everything up to the capture's last event.
  resumed.frames.push({ eventId: seen[seen.length - 1]!, status: 'CONFIRMED' });
  await resumed.start();
  await until('the missed refund arrived', () => resumed.eventIds().length > 1, 10_000);
  const missed = resumed.eventIds().slice(1);
  expect(missed.some((id) => seen.includes(id))).toBe(false);
  expect(resumed.frames.slice(1).every((f) => f.eventId !== null)).toBe(true);

  await changeOrder(platform, orderId, 2);
  await until('the next change arrived live', () => resumed.eventIds().length > missed.length + 1);
  expect(new Set(resumed.eventIds()).size).toBe(resumed.eventIds().length);
  await resumed.close();
});
