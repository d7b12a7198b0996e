import { MemoryTransport } from './events/memory';
import { liveStream } from './live';

/**
 * A subscriber resuming from a position the transport no longer holds events after
 * starts again from the current state instead of silently missing what was dropped.
 */
type Event = { n?: number; state?: string; eventPosition?: string };

async function take(stream: AsyncIterableIterator<Event>, count: number): Promise<Event[]> {
  const items: Event[] = [];
  while (items.length < count) items.push((await stream.next()).value as Event);
  return items;
}

async function published(transport: MemoryTransport, count: number): Promise<void> {
  for (let n = 1; n <= count; n += 1) await transport.publish('t', { n });
  await new Promise((resolve) => setImmediate(resolve));
}

const now = async (): Promise<Event[]> => [{ state: 'now' }];

it('replays what is still held after the position, without the current state', async () => {
  const transport = new MemoryTransport(2);
  await published(transport, 4);
  const stream = liveStream<Event>(transport, 't', now, undefined, '3');
  await transport.publish('t', { n: 5 });
  expect((await take(stream, 2)).map((e) => e.n)).toEqual([4, 5]);
  await stream.return?.();
});

it('starts from the current state when events after the position were dropped', async () => {
  const transport = new MemoryTransport(2);
  await published(transport, 4);
  // Events 2 and 3 are gone (only 3 and 4 are kept; 2 was never seen by this subscriber).
  const stream = liveStream<Event>(transport, 't', now, undefined, '1');
  const [first] = await take(stream, 1);
  expect(first).toEqual({ state: 'now' });
  await transport.publish('t', { n: 5 });
  const [next] = await take(stream, 1);
  expect(next).toMatchObject({ n: 5, eventPosition: '5' });
  await stream.return?.();
});

it('starts from the current state for a position of an earlier process', async () => {
  const transport = new MemoryTransport();
  await published(transport, 2);
  const stream = liveStream<Event>(transport, 't', now, undefined, '57');
  expect(await take(stream, 1)).toEqual([{ state: 'now' }]);
  await stream.return?.();
});
