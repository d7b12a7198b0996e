import type { PubSubEngine } from 'graphql-subscriptions';
import { EventQueue } from './event-queue';
import { isEventTransport, isPosition, isReplayGap } from './events/transport';
import { loadConfig, setting } from './config';

/** Events a subscriber may fall behind by before it is cut off rather than buffered forever. */
const { SUBSCRIPTION_MAX_PENDING: MAX_PENDING } = loadConfig({
  SUBSCRIPTION_MAX_PENDING: setting.int(1000, { min: 1 }),
});

let open = 0;
/** Live streams open in this process: a gauge for operators, and proof that unsubscribing frees them. */
export function openLiveStreams(): number {
  return open;
}

/**
 * A subscription's event stream: it listens on the topic first and only then reads the
 * current state, so nothing that happens in between is missed; the current state comes
 * first, so a client that (re)connects always starts from the truth.
 *
 * A subscriber that resumes (`after`, the position of the last event it saw) gets the
 * events it missed instead, in order, from a transport that can replay them; when some
 * of them are gone (trimmed or expired), the current state again, then what follows.
 */
export function liveStream<T>(
  pubsub: PubSubEngine,
  topic: string,
  current: () => Promise<T[]>,
  accept: (event: T) => boolean = () => true,
  after?: string | null,
): AsyncIterableIterator<T> {
  const resume = isPosition(after) && isEventTransport(pubsub) && pubsub.replays ? after : null;
  let subscription: Promise<number> | null = null;
  open += 1;
  const queue = new EventQueue<T>(MAX_PENDING, async () => {
    open -= 1;
    const id = await subscription?.catch(() => null);
    if (id != null) pubsub.unsubscribe(id);
  });
  // Events that arrive while the current state is read wait behind it.
  let early: T[] | null = [];
  let rereading = false;
  const deliver = (states: T[]) => {
    const waited = early ?? [];
    early = null;
    for (const event of [...states, ...waited]) queue.push(event);
  };
  // The transport no longer holds every event after `after`: start from the truth.
  const reread = () => {
    if (rereading) return;
    rereading = true;
    early ??= [];
    current().then(deliver, (error) => queue.fail(error));
  };
  subscription = pubsub.subscribe(
    topic,
    (event: T) => {
      if (isReplayGap(event)) return reread();
      if (!accept(event)) return;
      if (early) early.push(event);
      else queue.push(event);
    },
    resume ? { after: resume } : {},
  );
  subscription
    .then(async () => (resume ? [] : current()))
    .then(
      (states) => {
        if (!rereading) deliver(states);
      },
      (error) => queue.fail(error),
    );
  return queue;
}

/** What a subscription field promises about its results. */
export interface SubscriptionFieldOptions {
  /**
   * Every result is the whole state the subscription watches (the order now, a SKU's
   * availability now), not a change to an earlier one. Each result then says so
   * (`extensions.snapshot`), and the router may hand a client the last result of another
   * client's identical subscription instead of opening one of its own.
   */
  snapshots?: boolean;
}

/**
 * A subscription field whose events are resolved with fresh DataLoaders each time: the
 * context lives as long as the subscription, the rows it loaded must not.
 */
export function subscriptionField<
  Event,
  Args,
  Ctx extends { refreshLoaders(): void; eventPosition?: string | null; snapshots?: boolean },
>(
  subscribe: (
    args: Args,
    ctx: Ctx,
  ) => AsyncIterableIterator<Event> | Promise<AsyncIterableIterator<Event>>,
  resolve: (event: Event, args: Args, ctx: Ctx) => unknown,
  options: SubscriptionFieldOptions = {},
) {
  return {
    subscribe: async (_: unknown, args: Args, ctx: Ctx) => {
      if (options.snapshots) ctx.snapshots = true;
      return notePositions(await subscribe(args, ctx), ctx);
    },
    resolve: (event: Event, args: Args, ctx: Ctx) => {
      ctx.refreshLoaders();
      return resolve(event, args, ctx);
    },
  };
}

/**
 * Keeps the position of the event being resolved on the subscription's context, where the
 * server puts it into the result (`extensions.eventId`) for the client to resume from.
 */
function notePositions<Event>(
  events: AsyncIterableIterator<Event>,
  ctx: { eventPosition?: string | null },
): AsyncIterableIterator<Event> {
  return {
    async next() {
      const item = await events.next();
      if (!item.done) {
        const position = (item.value as { eventPosition?: unknown } | null)?.eventPosition;
        ctx.eventPosition = isPosition(position) ? position : null;
      }
      return item;
    },
    return: () => events.return?.() ?? Promise.resolve({ value: undefined, done: true }),
    throw: (error) => events.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
