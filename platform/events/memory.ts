import {
  EventTransport,
  comparePositions,
  resumeAfter,
  type DeliveredEvent,
  type GroupHandle,
  type GroupHandler,
  type SubscribeOptions,
} from './transport';
import { LiveDispatcher } from './live-dispatch';

/**
 * One process, no broker (`npm start` without REDIS_URL). It keeps the last `retain`
 * events, so a subscriber that reconnects within the same process resumes; a group is
 * every subscriber of its topics (there is only this process to deliver to).
 */
export class MemoryTransport extends EventTransport {
  readonly kind = 'memory';
  readonly replays = true;
  private sequence = 0;
  private readonly recent: { topic: string; event: DeliveredEvent }[] = [];
  private readonly live = new LiveDispatcher(async (topic, after) => {
    const oldest = this.recent[0]?.event.eventPosition;
    // Dropped beyond `retain`, a position of an earlier process (this one counts from 0),
    // or a broker's (`<ms>-<seq>`).
    const gap =
      !/^\d+$/.test(after) ||
      comparePositions(after, String(this.sequence)) > 0 ||
      (oldest !== undefined && BigInt(oldest) > BigInt(after) + 1n);
    const events = this.recent
      .filter((r) => r.topic === topic && comparePositions(r.event.eventPosition!, after) > 0)
      .map((r) => r.event);
    return { events, gap };
  });

  constructor(private readonly retain = 10_000) {
    super();
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    this.sequence += 1;
    const event: DeliveredEvent = {
      ...(payload as Record<string, unknown>),
      eventPosition: String(this.sequence),
    };
    this.recent.push({ topic, event });
    if (this.recent.length > this.retain) this.recent.shift();
    // Asynchronously, as every broker delivers: a publisher never runs its subscribers.
    queueMicrotask(() => this.live.dispatch(topic, event));
  }

  async subscribe(
    topic: string,
    onMessage: (event: DeliveredEvent) => void,
    options?: SubscribeOptions | object,
  ): Promise<number> {
    return this.live.add(topic, onMessage, resumeAfter(options));
  }

  unsubscribe(id: number): void {
    this.live.remove(id);
  }

  async consume(_group: string, topics: string[], handle: GroupHandler): Promise<GroupHandle> {
    const ids = await Promise.all(
      topics.map((topic) => this.subscribe(topic, (event) => void handle(topic, event))),
    );
    return { stop: async () => ids.forEach((id) => this.unsubscribe(id)) };
  }

  async close(): Promise<void> {}
}
