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

function toEvent([id, fields]: Entry): { topic: string; event: DeliveredEvent } | null {
  const topic = fields[fields.indexOf('t') + 1];
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
    return this.live.add(topic, onMessage, resumeAfter(options));
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
    this.reading = (async () => {
      const [last] = (await this.redis.call(
        'XREVRANGE',
        this.key,
        '+',
        '-',
        'COUNT',
        1,
      )) as Entry[];
      return last?.[0] ?? '0-0';
    })();
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

    const handleEntries = async (entries: Entry[]) => {
      for (const entry of entries) {
        if (stopped) return;
        const parsed = toEvent(entry);
        if (parsed && wanted.has(parsed.topic)) await handle(parsed.topic, parsed.event);
        await connection.call('XACK', this.key, group, entry[0]);
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
          busy = handleEntries(reply?.[0]?.[1] ?? []);
          await busy;
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
    this.reader?.disconnect();
    for (const connection of this.groups) connection.disconnect();
    this.groups.clear();
  }
}
