import { PubSubEngine } from 'graphql-subscriptions';

/**
 * What carries the outbox's events between processes. Every mode is a PubSubEngine (so
 * live streams and tests publish and subscribe as before) plus two things pub/sub cannot
 * give: a position per event, from which a subscriber resumes after a reconnect, and
 * consumer groups, which keep a consuming service's place while it is down.
 *
 * - streams (Redis Streams) and jetstream (NATS JetStream): replayable and durable.
 * - memory (one process) replays what it still holds; pubsub (Redis pub/sub) neither
 *   replays nor keeps a place: the light modes.
 */
export type TransportKind = 'streams' | 'jetstream' | 'pubsub' | 'memory';

/** A delivered event: the outbox payload with the broker's position of it. */
export type DeliveredEvent = Record<string, unknown> & { eventPosition?: string };

/**
 * What a transport still holds after a resume position: the topic's events, or `gap` when
 * some after it are gone (trimmed past the stream's length, expired, or a position from
 * a broker or process that has since started empty). Replaying the rest would hide that.
 */
export interface Replay {
  events: DeliveredEvent[];
  gap: boolean;
}

/**
 * Delivered instead of a replay that has a gap: the subscriber starts again from the
 * current state (platform/live.ts), as a new one does, rather than silently missing events.
 */
export const REPLAY_GAP: DeliveredEvent = Object.freeze({ replayGap: true });

export function isReplayGap(event: unknown): boolean {
  return event === REPLAY_GAP;
}

export interface SubscribeOptions {
  /** Replays this topic's events after that position first, then continues live. */
  after?: string;
}

export interface GroupHandle {
  stop(): Promise<void>;
}

/** Handles one event of a group; the broker learns it was handled when this resolves. */
export type GroupHandler = (topic: string, event: DeliveredEvent) => Promise<void>;

export abstract class EventTransport extends PubSubEngine {
  abstract readonly kind: TransportKind;
  /** Whether `subscribe(..., { after })` replays (false: it only continues live). */
  abstract readonly replays: boolean;

  // publish (resolves once the broker acknowledged the event, never before), subscribe
  // (options: SubscribeOptions) and unsubscribe are PubSubEngine's.

  /**
   * Consumes `topics` as the group `group` (one consuming service): each event goes to one
   * member of the group, and one the group had not handled when it stopped is delivered
   * when a member is back. In the light modes every member hears every event live.
   */
  abstract consume(group: string, topics: string[], handle: GroupHandler): Promise<GroupHandle>;

  abstract close(): Promise<void>;
}

export function isEventTransport(engine: PubSubEngine): engine is EventTransport {
  return engine instanceof EventTransport;
}

/** The resume position a subscriber asked for, if it is one this transport could have made. */
export function resumeAfter(options: SubscribeOptions | object | undefined): string | undefined {
  const after = (options as SubscribeOptions | undefined)?.after;
  return typeof after === 'string' && POSITION.test(after) ? after : undefined;
}

/** Redis Streams ids (`<ms>-<seq>`) and JetStream sequences (`<seq>`). */
const POSITION = /^\d{1,20}(-\d{1,20})?$/;

export function isPosition(value: unknown): value is string {
  return typeof value === 'string' && POSITION.test(value);
}

/** Orders two positions of one transport: negative when `a` came first. */
export function comparePositions(a: string, b: string): number {
  const [aHigh = 0n, aLow = 0n] = a.split('-').map(BigInt);
  const [bHigh = 0n, bLow = 0n] = b.split('-').map(BigInt);
  if (aHigh !== bHigh) return aHigh < bHigh ? -1 : 1;
  if (aLow !== bLow) return aLow < bLow ? -1 : 1;
  return 0;
}
