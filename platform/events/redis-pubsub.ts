import { RedisPubSub } from 'graphql-redis-subscriptions';
import type Redis from 'ioredis';
import {
  EventTransport,
  type DeliveredEvent,
  type GroupHandle,
  type GroupHandler,
} from './transport';

/**
 * Redis pub/sub, the light mode across processes (EVENT_TRANSPORT=pubsub): fire and
 * forget. Nothing replays; an event published while a subscriber reconnects is lost to it.
 */
export class RedisPubSubTransport extends EventTransport {
  readonly kind = 'pubsub';
  readonly replays = false;
  private readonly inner: RedisPubSub;

  constructor(
    publisher: Redis,
    subscriber: Redis,
    private readonly namespace: string,
  ) {
    super();
    this.inner = new RedisPubSub({ publisher, subscriber });
  }

  publish(topic: string, payload: unknown): Promise<void> {
    return this.inner.publish(`${this.namespace}:${topic}`, payload);
  }

  subscribe(topic: string, onMessage: (event: DeliveredEvent) => void): Promise<number> {
    return this.inner.subscribe(`${this.namespace}:${topic}`, onMessage, {});
  }

  unsubscribe(id: number): void {
    this.inner.unsubscribe(id);
  }

  async consume(_group: string, topics: string[], handle: GroupHandler): Promise<GroupHandle> {
    const ids = await Promise.all(
      topics.map((topic) => this.subscribe(topic, (event) => void handle(topic, event))),
    );
    return { stop: async () => ids.forEach((id) => this.unsubscribe(id)) };
  }

  async close(): Promise<void> {}
}
