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

type Step = IteratorResult<ExecutionResult>;

/**
 * The guard of one subscriber, a class rather than closures, and without `async` methods:
 * a router holds one per open subscription, ten thousand at a time. Methods on a prototype
 * cost nothing per instance; each suspended `async` call (a pump awaiting the next event,
 * a reader awaiting the pump) would cost every subscriber a generator, its context and
 * the promises between them.
 */
class GuardedStream implements AsyncIterableIterator<ExecutionResult> {
  private readonly queue: { value: ExecutionResult; bytes: number }[] = [];
  private queuedBytes = 0;
  private handedOut = 0;
  // Set when the stream will end: after the queue, this last result (if any), then done.
  private ending: { last: ExecutionResult | null; thrown?: unknown } | null = null;
  private returned = false;
  private pulling = false;
  private reader: { resolve(step: Step): void; reject(error: unknown): void } | null = null;
  private readonly stopWatchingSession: () => void;
  // The inner stream's next event, or its failure (one pair per guard, not per event).
  private readonly onEvent = (item: Step): void => this.accept(item);
  private readonly onFailure = (error: unknown): void => this.end(null, error);
  // What was already queued is still delivered: the client resumes after it.
  private readonly onDrain = (): void => this.end({ errors: [restartingError()] }, undefined, true);

  constructor(
    private readonly inner: AsyncIterableIterator<ExecutionResult>,
    private readonly options: StreamGuardOptions,
  ) {
    this.stopWatchingSession = options.guard.watch(options.session, (reason) => {
      this.end({ errors: [sessionEndedError(reason)] });
    });
    options.drain?.watch(this.onDrain);
  }

  next(): Promise<Step> {
    if (!this.pulling && !this.returned && !this.ending) this.pull();
    try {
      const step = this.take();
      if (step) return Promise.resolve(step);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  return(): Promise<Step> {
    this.returned = true;
    this.end(null);
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.wake();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<Step> {
    this.returned = true;
    this.end(null);
    this.wake();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** What a read gets now; null while the stream is open and nothing is queued. */
  private take(): Step | null {
    if (this.returned) return { value: undefined, done: true };
    const head = this.queue.shift();
    if (head) {
      this.queuedBytes -= head.bytes;
      this.handedOut += head.bytes;
      return { value: head.value, done: false };
    }
    if (!this.ending) return null;
    const { last, thrown } = this.ending;
    this.returned = true;
    if (thrown !== undefined) throw thrown;
    return last ? { value: last, done: false } : { value: undefined, done: true };
  }

  /** Hands a waiting reader what there is now. */
  private wake(): void {
    const reader = this.reader;
    if (!reader) return;
    let step: Step | null;
    try {
      step = this.take();
    } catch (error) {
      this.reader = null;
      return reader.reject(error);
    }
    if (!step) return;
    this.reader = null;
    reader.resolve(step);
  }

  private end(last: ExecutionResult | null, thrown?: unknown, keepQueued = false): void {
    if (this.ending) return;
    this.ending = { last, ...(thrown === undefined ? {} : { thrown }) };
    this.stopWatchingSession();
    this.options.drain?.unwatch(this.onDrain);
    if (last?.errors && !keepQueued) {
      // Nothing queued is sent after an error that ends the stream: free it now.
      this.queue.length = 0;
      this.queuedBytes = 0;
    }
    void this.inner.return?.();
    this.wake();
  }

  /**
   * Asks the inner stream for its next event, as soon as the last one is queued (whether
   * or not the transport is ready for it): that is how bytes are counted before they pile up.
   */
  private pull(): void {
    this.pulling = true;
    try {
      this.inner.next().then(this.onEvent, this.onFailure);
    } catch (error) {
      this.end(null, error);
    }
  }

  private accept(item: Step): void {
    this.pulling = false;
    if (this.ending) return;
    if (item.done) return this.end(null);
    const bytes = sizeOf(item.value);
    const { options } = this;
    if (options.unreadBytes(this.handedOut) + this.queuedBytes + bytes > options.maxUnreadBytes) {
      options.onTooSlow?.();
      return this.end({ errors: [tooSlowError(options.maxUnreadBytes)] });
    }
    const reader = this.reader;
    if (reader && this.queue.length === 0) {
      // Straight to the waiting transport: the queue never grows (nor keeps its room).
      this.reader = null;
      this.handedOut += bytes;
      reader.resolve({ value: item.value, done: false });
    } else {
      this.queue.push({ value: item.value, bytes });
      this.queuedBytes += bytes;
      this.wake();
    }
    this.pull();
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
