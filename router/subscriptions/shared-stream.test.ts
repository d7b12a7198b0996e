import { GraphQLError, type ExecutionResult } from 'graphql';
import { EventQueue } from '../../platform/event-queue';
import { SharedStream } from './shared-stream';

function source() {
  const queue = new EventQueue<ExecutionResult>(100);
  let returned = 0;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    next: () => queue.next(),
    return: async () => {
      returned += 1;
      return queue.return();
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return { queue, iterator, returned: () => returned };
}

const frame = (n: number, snapshot = true): ExecutionResult => ({
  data: { n },
  extensions: snapshot ? { snapshot: true, eventId: `${n}-0` } : { eventId: `${n}-0` },
});

describe('SharedStream', () => {
  it('hands every member each result once, without the snapshot mark', async () => {
    const { queue, iterator } = source();
    const stream = new SharedStream(iterator, 10, () => {}, null);
    const a = stream.join(() => {});
    const b = stream.join(() => {});
    queue.push(frame(1));
    expect((await a.next()).value).toEqual({ data: { n: 1 }, extensions: { eventId: '1-0' } });
    expect((await b.next()).value).toEqual({ data: { n: 1 }, extensions: { eventId: '1-0' } });
  });

  it('gives a joiner the last snapshot that had data, and seals a stream of changes', async () => {
    const snapshots = source();
    const shared = new SharedStream(snapshots.iterator, 10, () => {}, null);
    const first = shared.join(() => {});
    snapshots.queue.push(frame(1));
    snapshots.queue.push({ errors: [new GraphQLError('one event failed')] });
    await first.next();
    await first.next();
    expect(shared.joinable).toBe(true);
    expect((await shared.join(() => {}).next()).value).toEqual({
      data: { n: 1 },
      extensions: { eventId: '1-0' },
    });

    let sealed = 0;
    const changes = source();
    const unshared = new SharedStream(changes.iterator, 10, () => (sealed += 1), null);
    const only = unshared.join(() => {});
    expect(unshared.joinable).toBe(true);
    changes.queue.push(frame(1, false));
    await only.next();
    expect(unshared.joinable).toBe(false);
    expect(sealed).toBe(1);
  });

  it('ends every member with the error that ended the stream, and releases each once', async () => {
    const { queue, iterator, returned } = source();
    const releases: string[] = [];
    const stream = new SharedStream(iterator, 10, () => {}, null);
    const members = ['a', 'b'].map((name) => stream.join(() => releases.push(name)));
    const lost = new GraphQLError('gone', { extensions: { code: 'SUBSCRIPTION_SOURCE_LOST' } });
    queue.fail(lost);
    for (const member of members) {
      const last = await member.next();
      expect(last.value.errors).toEqual([lost]);
      expect((await member.next()).done).toBe(true);
    }
    expect(releases.sort()).toEqual(['a', 'b']);
    expect(stream.joinable).toBe(false);
    expect(returned()).toBe(1);
  });

  it('closes the source when the last member leaves, not before', async () => {
    const { queue, iterator, returned } = source();
    const stream = new SharedStream(iterator, 10, () => {}, null);
    const a = stream.join(() => {});
    const b = stream.join(() => {});
    await a.return!();
    expect(returned()).toBe(0);
    queue.push(frame(2));
    expect((await b.next()).value.data).toEqual({ n: 2 });
    await b.return!();
    expect(returned()).toBe(1);
    expect(stream.joinable).toBe(false);
  });

  it('cuts off a member that falls too far behind, alone', async () => {
    const { queue, iterator } = source();
    const stream = new SharedStream(iterator, 2, () => {}, null);
    const slow = stream.join(() => {});
    const reader = stream.join(() => {});
    for (let n = 1; n <= 4; n++) {
      queue.push(frame(n));
      expect((await reader.next()).value.data).toEqual({ n });
    }
    // What it had queued, then the cut.
    expect((await slow.next()).value.data).toEqual({ n: 1 });
    expect((await slow.next()).value.data).toEqual({ n: 2 });
    const cut = await slow.next();
    expect(cut.value.errors?.[0]?.extensions?.code).toBe('SUBSCRIBER_TOO_SLOW');
    queue.push(frame(5));
    expect((await reader.next()).value.data).toEqual({ n: 5 });
  });
});
