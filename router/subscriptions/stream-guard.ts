import { GraphQLError, type ExecutionResult } from 'graphql';
import type { TokenSession } from '../../platform/auth/verify-token';
import { sessionEndedError, type SessionGuard } from '../auth/sessions';
import type { SubscriptionResult } from './executor';
import { restartingError, type StreamDrain } from './stream-drain';
import { serializedResult } from './serialized-result';

export interface StreamGuardOptions {
  /** The subscriber's session: the stream ends with UNAUTHENTICATED when it expires or is revoked. */
  session: TokenSession | null;
  guard: SessionGuard;
  /**
   * Bytes of this stream still in this process, given the bytes the guard handed the
   * transport so far: what the transport holds (its own queue, the socket's buffer).
   * Kernel buffers are not counted: they are not this process's memory.
   */
  unreadBytes(handedOutBytes: number): number;
  maxUnreadBytes: number;
  /** Told once when the subscriber was cut off for reading too slowly (to close its socket). */
  onTooSlow?(): void;
  /** When the router stops, the stream ends with ROUTER_RESTARTING after what it queued. */
  drain?: StreamDrain;
}

export function tooSlowError(maxUnreadBytes: number): GraphQLError {
  return new GraphQLError(
    `Subscriber too slow: more than ${maxUnreadBytes} bytes left unread; events were dropped`,
    { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } },
  );
}

/**
 * What a socket has passed on to the kernel since `start` (bytesWritten counts what still
 * sits in its buffer too): for transports whose socket carries one stream (SSE, multipart),
 * handed-out bytes minus this is what waits in this process, wherever the transport keeps
 * it (graphql-sse queues every event in an array of its own while its write waits).
 */
export function dispatchedBytes(socket: {
  bytesWritten: number;
  writableLength: number;
}): () => number {
  const start = socket.bytesWritten - socket.writableLength;
  return () => socket.bytesWritten - socket.writableLength - start;
}

/**
 * Wraps a subscription's events for one transport. The guard pulls events as they come
 * (whether or not the transport is ready for them) into a queue of its own and counts
 * bytes: those queued here plus those the transport holds. A transport that writes
 * without waiting (graphql-sse, multipart) or one that waits for each write to drain
 * (graphql-ws) would otherwise pile up every event of a client that never reads, in this
 * process, or stall without telling anyone. Past `maxUnreadBytes` the queued events are
 * dropped, `onTooSlow` is told (the transport closes the socket) and the stream ends with
 * one last SUBSCRIBER_TOO_SLOW result. The stream also ends, with UNAUTHENTICATED, as
 * soon as the subscriber's session expires or is revoked, even while no event is flowing.
 */
export function guardStream(
  result: SubscriptionResult,
  options: StreamGuardOptions,
): SubscriptionResult {
  return isIterator(result) ? new GuardedStream(result, options) : result;
}

/**
 * The guard of one subscriber, a class rather than closures: a router holds one per open
 * subscription, ten thousand at a time, and methods on a prototype cost nothing per instance.
 */
class GuardedStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: { value: ExecutionResult; bytes: number }[] = [];
  private queuedBytes = 0;
  private handedOut = 0;
  // Set when the stream will end: after the queue, this last result (if any), then done.
  private ending: { last: ExecutionResult | null; thrown?: unknown } | null = null;
  private returned = false;
  private pumping = false;
  private wakeConsumer: (() => void) | null = null;
  // Wakes the pump's wait for the next event when the stream ends meanwhile. One promise
  // per wait: racing each wait against one long-lived promise would leave a reaction on
  // it per event, kept for as long as the subscription is open.
  private interruptWait: (() => void) | null = null;
  private stopWatchingSession: () => void = () => {};
  private stopWatchingDrain: () => void = () => {};

  constructor(
    private readonly inner: AsyncIterableIterator<ExecutionResult>,
    private readonly options: StreamGuardOptions,
  ) {
    this.stopWatchingSession = options.guard.watch(options.session, (reason) => {
      this.end({ errors: [sessionEndedError(reason)] });
      this.interruptWait?.();
    });
    // What was already queued is still delivered: the client resumes after it.
    this.stopWatchingDrain =
      options.drain?.watch(() => {
        this.end({ errors: [restartingError()] }, undefined, true);
        this.interruptWait?.();
      }) ?? (() => {});
  }

  async next(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.pumping && !this.returned) void this.pump();
    for (;;) {
      if (this.returned) return { value: undefined, done: true };
      const head = this.queue.shift();
      if (head) {
        this.queuedBytes -= head.bytes;
        this.handedOut += head.bytes;
        return { value: head.value, done: false };
      }
      if (this.ending) {
        const { last, thrown } = this.ending;
        this.returned = true;
        if (thrown !== undefined) throw thrown;
        return last ? { value: last, done: false } : { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.returned = true;
    this.end(null);
    this.queue.length = 0;
    this.queuedBytes = 0;
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.returned = true;
    this.end(null);
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private notify(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = null;
    wake?.();
  }

  private end(last: ExecutionResult | null, thrown?: unknown, keepQueued = false): void {
    if (this.ending) return;
    this.ending = { last, ...(thrown === undefined ? {} : { thrown }) };
    this.stopWatchingSession();
    this.stopWatchingDrain();
    if (last?.errors && !keepQueued) {
      // Nothing queued is sent after an error that ends the stream: free it now.
      this.queue.length = 0;
      this.queuedBytes = 0;
    }
    void this.inner.return?.();
    this.notify();
  }

  private nextEvent(): Promise<IteratorResult<ExecutionResult> | null> {
    return new Promise((resolve, reject) => {
      this.interruptWait = () => resolve(null);
      this.inner.next().then(resolve, reject);
    });
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.ending) {
        const item = await this.nextEvent();
        this.interruptWait = null;
        if (this.ending || item === null) break;
        if (item.done) {
          this.end(null);
          break;
        }
        const bytes = sizeOf(item.value);
        this.queue.push({ value: item.value, bytes });
        this.queuedBytes += bytes;
        const { options } = this;
        if (options.unreadBytes(this.handedOut) + this.queuedBytes > options.maxUnreadBytes) {
          options.onTooSlow?.();
          this.end({ errors: [tooSlowError(options.maxUnreadBytes)] });
          break;
        }
        this.notify();
      }
    } catch (error) {
      this.end(null, error);
    }
  }
}

/**
 * An event's size as the transports will write it (JSON). Serializing it here as well is
 * the price of knowing what a slow client costs before it costs it.
 */
function sizeOf(value: ExecutionResult): number {
  try {
    return Buffer.byteLength(serializedResult(value));
  } catch {
    return 0;
  }
}

export function isIterator(
  value: SubscriptionResult,
): value is AsyncIterableIterator<ExecutionResult> {
  return (
    typeof (value as AsyncIterableIterator<ExecutionResult>)[Symbol.asyncIterator] === 'function'
  );
}

/** A client that reads nothing at all would hold its socket (and our buffer) forever. */
export function closeSlowSocket(
  socket: { destroyed: boolean; destroy(): void; once(event: 'close', fn: () => void): unknown },
  /** How long a cut-off client gets to read its last event before its socket is destroyed. */
  graceMs: number,
): void {
  const timer = setTimeout(() => {
    if (!socket.destroyed) socket.destroy();
  }, graceMs);
  timer.unref?.();
  socket.once('close', () => clearTimeout(timer));
}
