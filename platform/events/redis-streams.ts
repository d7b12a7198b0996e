import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { createLogger } from '../logging';
import { LiveDispatcher } from './live-dispatch';
import {
  comparePositions,
  EventTransport,
  resumeAfter,
  type DeliveredEvent,
  type Replay,
  type GroupHandle,
  type GroupHandler,
  type SubscribeOptions,
} from './transport';

const log = createLogger('events');

export interface RedisStreamsOptions {
  /** Entries the stream keeps (approximately): how far back a subscriber can resume. */
  maxLength: number;
  /** How long the stream and its dedup keys outlive the last event. */
  retainMs: number;
  /** A group member's entry unacknowledged this long is taken over (its member crashed). */
  claimIdleMs: number;
  /** Reports the reader's outages (the publisher's are its creator's to report). */
  reportOutages?: (client: Redis, name: string) => void;
  /**
   * A group member waits this long after a batch before reading again, so that a burst
   * (one checkout publishes about eight events) is one read, not eight wake-ups of every
   * consuming process. Consumers are asynchronous by nature; live subscribers are not
   * delayed.
   */
  batchWaitMs?: number;
}

type Entry = [id: string, fields: string[]];

/**
 * One stream per namespace holds every topic's events in publish order, so one reader per
 * process serves all its subscribers, and a resume position means the same on every
 * router. Publishing is idempotent by event id (the relay re-sends after a crash or a
 * lost reply): the script adds an event once and answers the first entry's id again.
 */
const PUBLISH = `
if ARGV[5] == '1' then
  local sent = redis.call('GET', KEYS[2])
  if sent then return sent end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[2], 'p', ARGV[3])
if ARGV[5] == '1' then redis.call('SET', KEYS[2], id, 'PX', ARGV[4]) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return id`;

function topicOf([, fields]: Entry): string | undefined {
  return fields[fields.indexOf('t') + 1];
}

/** The entry's event; its payload is parsed only by callers that want its topic. */
function toEvent(entry: Entry): { topic: string; event: DeliveredEvent } | null {
  const [id, fields] = entry;
  const topic = topicOf(entry);
  const payload = fields[fields.indexOf('p') + 1];
  if (topic === undefined || payload === undefined) return null;
  try {
    return { topic, event: { ...JSON.parse(payload), eventPosition: id } };
  } catch {
    log.warn('unreadable stream entry skipped', { id });
    return null;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RedisStreamsTransport extends EventTransport {
  readonly kind = 'streams';
  readonly replays = true;
  private readonly key: string;
  private readonly live = new LiveDispatcher((topic, after) => this.replay(topic, after));
  private reader: Redis | null = null;
  private reading: Promise<string> | null = null;
  /** Set while the reader has no listener and so reads nothing; woken by a subscribe. */
  private asleep: ((from: string) => void) | null = null;
  private waking: Promise<void> | null = null;
  private readonly groups = new Set<Redis>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    namespace: string,
    private readonly options: RedisStreamsOptions,
  ) {
    super();
    this.key = `${namespace}:events`;
    // Started at once, as pub/sub's subscriber connection was: the reader reports outages.
    void this.startReading().catch(() => {});
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    const eventId = (payload as { eventId?: unknown })?.eventId;
    const once = typeof eventId === 'string';
    await this.redis.eval(
      PUBLISH,
      2,
      this.key,
      `${this.key}:sent:${once ? eventId : ''}`,
      this.options.maxLength,
      topic,
      JSON.stringify(payload),
      this.options.retainMs,
      once ? '1' : '0',
    );
  }

  async subscribe(
    topic: string,
    onMessage: (event: DeliveredEvent) => void,
    options?: SubscribeOptions | object,
  ): Promise<number> {
    // Resolves once the reader has its starting point: anything published later reaches us.
    await this.startReading();
    if (this.asleep) await this.wakeReader();
    return this.live.add(topic, onMessage, resumeAfter(options));
  }

  /**
   * A reader asleep (nobody here listened) goes on from the stream's end as it is now, so
   * a process without live subscribers does not read (nor wake up for) every event.
   */
  private wakeReader(): Promise<void> {
    this.waking ??= this.streamEnd()
      .then((end) => {
        const wake = this.asleep;
        this.asleep = null;
        wake?.(end);
      })
      .finally(() => {
        this.waking = null;
      });
    return this.waking;
  }

  private async streamEnd(): Promise<string> {
    const [last] = (await this.redis.call('XREVRANGE', this.key, '+', '-', 'COUNT', 1)) as Entry[];
    return last?.[0] ?? '0-0';
  }

  unsubscribe(id: number): void {
    this.live.remove(id);
  }

  private async replay(topic: string, after: string): Promise<Replay> {
    // The entry `after` names is still held when the oldest is no later; when it is gone
    // (trimmed, or the stream expired or started anew), events after it may be too.
    const [oldest] = (await this.redis.call('XRANGE', this.key, '-', '+', 'COUNT', 1)) as Entry[];
    if (!oldest || comparePositions(oldest[0], after) > 0) return { events: [], gap: true };
    const events: DeliveredEvent[] = [];
    let from = `(${after}`;
    for (;;) {
      const entries = (await this.redis.call(
        'XRANGE',
        this.key,
        from,
        '+',
        'COUNT',
        1000,
      )) as Entry[];
      for (const entry of entries) {
        const parsed = toEvent(entry);
        if (parsed?.topic === topic) events.push(parsed.event);
      }
      if (entries.length < 1000) return { events, gap: false };
      from = `(${entries[entries.length - 1]![0]}`;
    }
  }

  private startReading(): Promise<string> {
    if (this.reading) return this.reading;
    const reader = this.redis.duplicate();
    this.reader = reader;
    if (this.options.reportOutages) this.options.reportOutages(reader, 'pubsub-subscriber');
    else reader.on('error', () => {});
    this.reading = this.streamEnd();
    void this.reading
      .then((start) => this.readLoop(reader, start))
      .catch(() => {
        this.reading = null;
      });
    return this.reading;
  }

  /** Follows the stream from `position`; after an outage it goes on from where it was. */
  private async readLoop(reader: Redis, position: string): Promise<void> {
    let last = position;
    while (!this.closed) {
      // Without listeners the connection stays open (it reports outages) but reads nothing.
      // Once woken it reads at least once, whatever the count: its subscriber is being added.
      if (this.live.size === 0) {
        last = await new Promise<string>((wake) => {
          this.asleep = wake;
        });
        if (this.closed) return;
      }
      try {
        const reply = (await reader.call(
          'XREAD',
          'COUNT',
          500,
          'BLOCK',
          5000,
          'STREAMS',
          this.key,
          last,
        )) as [string, Entry[]][] | null;
        for (const entry of reply?.[0]?.[1] ?? []) {
          last = entry[0];
          // Every process hears every topic: a payload nobody here listens to is not parsed.
          const topic = topicOf(entry);
          if (topic === undefined || !this.live.listensTo(topic)) continue;
          const parsed = toEvent(entry);
          if (parsed) this.live.dispatch(parsed.topic, parsed.event);
        }
      } catch {
        if (!this.closed) await pause(250);
      }
    }
  }

  async consume(group: string, topics: string[], handle: GroupHandler): Promise<GroupHandle> {
    const connection = this.redis.duplicate();
    connection.on('error', () => {}); // The reader reports the outage for this process.
    this.groups.add(connection);
    const consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    const wanted = new Set(topics);
    let stopped = false;
    const createGroup = async (from: '$' | '0') => {
      try {
        await connection.call('XGROUP', 'CREATE', this.key, group, from, 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    };
    await createGroup('$');

    // The group reads every topic of the stream: entries of other topics are acknowledged
    // unparsed. One XACK per batch, for the entries handled (or skipped) so far: an entry
    // is acknowledged only after its handler finished, and one handled but not yet
    // acknowledged when the process dies is reclaimed and meets the inbox (no second effect).
    const handleEntries = async (entries: Entry[]) => {
      const done: string[] = [];
      try {
        for (const entry of entries) {
          if (stopped) break;
          const topic = topicOf(entry);
          const parsed = topic !== undefined && wanted.has(topic) ? toEvent(entry) : null;
          if (parsed) await handle(parsed.topic, parsed.event);
          done.push(entry[0]);
        }
      } finally {
        if (done.length) await connection.call('XACK', this.key, group, ...done);
      }
    };
    // Entries another member took and never acknowledged (it crashed mid-event).
    const reclaim = async () => {
      let cursor = '0-0';
      do {
        const [next, entries] = (await connection.call(
          'XAUTOCLAIM',
          this.key,
          group,
          consumer,
          this.options.claimIdleMs,
          cursor,
          'COUNT',
          100,
        )) as [string, Entry[]];
        await handleEntries(entries.filter((entry) => entry?.[1]));
        cursor = next;
      } while (cursor !== '0-0' && !stopped);
    };

    let busy: Promise<void> = Promise.resolve();
    const loop = (async () => {
      let lastClaim = 0;
      while (!stopped && !this.closed) {
        try {
          if (Date.now() - lastClaim >= this.options.claimIdleMs) {
            lastClaim = Date.now();
            busy = reclaim();
            await busy;
          }
          const reply = (await connection.call(
            'XREADGROUP',
            'GROUP',
            group,
            consumer,
            'COUNT',
            100,
            'BLOCK',
            Math.min(2000, this.options.claimIdleMs),
            'STREAMS',
            this.key,
            '>',
          )) as [string, Entry[]][] | null;
          const entries = reply?.[0]?.[1] ?? [];
          busy = handleEntries(entries);
          await busy;
          if (entries.length && this.options.batchWaitMs) await pause(this.options.batchWaitMs);
        } catch (error) {
          if (stopped || this.closed) break;
          // Redis came back empty: the stream and the group are new, so start at its beginning.
          if (String((error as Error).message).includes('NOGROUP'))
            await createGroup('0').catch(() => {});
          else await pause(250);
        }
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        // The event in hand is finished and acknowledged; a blocked read is simply cut.
        await busy.catch(() => {});
        connection.disconnect();
        this.groups.delete(connection);
        await loop;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.asleep?.('');
    this.asleep = null;
    this.reader?.disconnect();
    for (const connection of this.groups) connection.disconnect();
    this.groups.clear();
  }
}
