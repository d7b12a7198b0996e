import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { createLogger } from '../logging';
import { LiveDispatcher } from './live-dispatch';
import {
  EventTransport,
  resumeAfter,
  type DeliveredEvent,
  type GroupHandle,
  type GroupHandler,
  type Replay,
  type SubscribeOptions,
} from './transport';

const log = createLogger('events');

export interface JetStreamOptions {
  /** Messages the stream keeps: how far back a subscriber can resume. */
  maxMessages: number;
  retainMs: number;
  /** A group member's message unacknowledged this long goes to another member. */
  claimIdleMs: number;
}

interface Broker {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** Stream names and subject tokens allow letters, digits, `_` and `-` only. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const token = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * NATS JetStream (NATS_URL): one stream per namespace with a subject per topic. A stream
 * sequence is the resume position; the relay's event id is the message id, so a re-send
 * inside the duplicate window is not stored twice. A group is a durable pull consumer
 * with explicit acknowledgement: what a member took and never acknowledged (it crashed)
 * is delivered again after `claimIdleMs`.
 */
export class JetStreamTransport extends EventTransport {
  readonly kind = 'jetstream';
  readonly replays = true;
  private readonly stream: string;
  private readonly prefix: string;
  private readonly broker: Promise<Broker>;
  private readonly live = new LiveDispatcher((topic, after) => this.replay(topic, after));
  private reading: Promise<void> | null = null;
  private closed = false;

  constructor(
    url: string,
    namespace: string,
    private readonly options: JetStreamOptions,
  ) {
    super();
    this.stream = token(namespace);
    this.prefix = token(namespace);
    this.broker = this.start(url);
    this.broker.catch((error) =>
      log.error('cannot reach NATS JetStream', { error: (error as Error).message }),
    );
  }

  private async start(url: string): Promise<Broker> {
    const nc = await connect({
      servers: url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      name: `commerce-${process.pid}`,
    });
    const jsm = await jetstreamManager(nc);
    const config = {
      name: this.stream,
      subjects: [`${this.prefix}.>`],
      max_msgs: this.options.maxMessages,
      max_age: nanos(this.options.retainMs),
      duplicate_window: nanos(Math.min(this.options.retainMs, 10 * 60_000)),
    };
    try {
      await jsm.streams.info(this.stream);
    } catch {
      await jsm.streams.add(config).catch(async () => {
        await jsm.streams.info(this.stream); // Another process created it first.
      });
    }
    return { nc, js: jetstream(nc), jsm };
  }

  private subject(topic: string): string {
    return `${this.prefix}.${topic}`;
  }

  private toEvent(msg: JsMsg): { topic: string; event: DeliveredEvent } | null {
    try {
      const event = { ...(msg.json() as object), eventPosition: String(msg.seq) };
      return { topic: msg.subject.slice(this.prefix.length + 1), event };
    } catch {
      log.warn('unreadable message skipped', { seq: msg.seq });
      return null;
    }
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    const { js } = await this.broker;
    const eventId = (payload as { eventId?: unknown })?.eventId;
    await js.publish(this.subject(topic), JSON.stringify(payload), {
      ...(typeof eventId === 'string' ? { msgID: eventId } : {}),
      timeout: 5000,
    });
  }

  async subscribe(
    topic: string,
    onMessage: (event: DeliveredEvent) => void,
    options?: SubscribeOptions | object,
  ): Promise<number> {
    await this.startReading();
    return this.live.add(topic, onMessage, resumeAfter(options));
  }

  unsubscribe(id: number): void {
    this.live.remove(id);
  }

  private async replay(topic: string, after: string): Promise<Replay> {
    const { js, jsm } = await this.broker;
    const { first_seq: first, last_seq: last } = (await jsm.streams.info(this.stream)).state;
    const from = Number(after) + 1;
    // Messages after `after` were removed (limits, age), or the position is from a stream
    // that has since been recreated (its sequence is behind it), or another broker's.
    if (!/^\d+$/.test(after) || first > from || from > last + 1) return { events: [], gap: true };
    if (from > last) return { events: [], gap: false };
    const consumer = await js.consumers.get(this.stream, {
      filter_subjects: this.subject(topic),
      opt_start_seq: from,
    });
    const events: DeliveredEvent[] = [];
    try {
      for (;;) {
        const batch = await consumer.fetch({ max_messages: 500, expires: 1000 });
        let seen = 0;
        let done = false;
        for await (const msg of batch) {
          seen += 1;
          const parsed = this.toEvent(msg);
          if (parsed) events.push(parsed.event);
          if (msg.seq >= last || msg.info.pending === 0) done = true;
        }
        if (done || seen === 0) return { events, gap: false };
      }
    } finally {
      await consumer.delete().catch(() => {});
    }
  }

  /**
   * One ordered consumer per process follows every topic from the stream's end, in short
   * pulls: after a server restart a pull simply expires, and a consumer that has fallen
   * silent while the stream grew is replaced by one starting after the last event seen.
   */
  private startReading(): Promise<void> {
    this.reading ??= (async () => {
      const { jsm } = await this.broker;
      const last = (await jsm.streams.info(this.stream)).state.last_seq;
      void this.readLoop(last);
    })();
    this.reading.catch(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async readLoop(from: number): Promise<void> {
    const { js, jsm } = await this.broker;
    let last = from;
    let consumer: Consumer | null = null;
    while (!this.closed) {
      try {
        consumer ??= await js.consumers.get(this.stream, {
          filter_subjects: `${this.prefix}.>`,
          opt_start_seq: last + 1,
        });
        let seen = 0;
        for await (const msg of await consumer.fetch({ max_messages: 500, expires: 1000 })) {
          seen += 1;
          if (msg.seq <= last) continue;
          last = msg.seq;
          const parsed = this.toEvent(msg);
          if (parsed) this.live.dispatch(parsed.topic, parsed.event);
        }
        if (seen === 0 && (await jsm.streams.info(this.stream)).state.last_seq > last) {
          await consumer.delete().catch(() => {});
          consumer = null;
        }
      } catch {
        consumer = null;
        if (!this.closed) await pause(250);
      }
    }
    await consumer?.delete().catch(() => {});
  }

  async consume(group: string, topics: string[], handle: GroupHandler): Promise<GroupHandle> {
    const { js, jsm } = await this.broker;
    const durable = token(group);
    try {
      await jsm.consumers.info(this.stream, durable);
    } catch {
      await jsm.consumers
        .add(this.stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.New,
          filter_subject: `${this.prefix}.>`,
          ack_wait: nanos(this.options.claimIdleMs),
        })
        .catch(() => jsm.consumers.info(this.stream, durable));
    }
    const consumer = await js.consumers.get(this.stream, durable);
    const wanted = new Set(topics);
    let stopped = false;
    // Short pulls: one lost with a server restart expires, and the next one is answered.
    const loop = (async () => {
      while (!stopped && !this.closed) {
        try {
          for await (const msg of await consumer.fetch({ max_messages: 100, expires: 1000 })) {
            const parsed = this.toEvent(msg);
            if (parsed && wanted.has(parsed.topic)) await handle(parsed.topic, parsed.event);
            // Unacknowledged when stopped mid-event: a member gets it again after ack_wait.
            if (stopped) break;
            await msg.ackAck().catch(() => msg.ack());
          }
        } catch {
          if (!stopped) await pause(250);
        }
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const broker = await this.broker.catch(() => null);
    await broker?.nc.close().catch(() => {});
  }
}
