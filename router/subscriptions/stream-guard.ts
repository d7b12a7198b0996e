import { GraphQLError, type ExecutionResult } from 'graphql';
import type { TokenSession } from '../../platform/auth/verify-token';
import { sessionEndedError, type SessionGuard } from '../auth/sessions';
import type { SubscriptionResult } from './executor';
import { restartingError, type StreamDrain } from './stream-drain';

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
  if (!isIterator(result)) return result;
  const inner: AsyncIterableIterator<ExecutionResult> = result;
  const queue: { value: ExecutionResult; bytes: number }[] = [];
  let queuedBytes = 0;
  let handedOut = 0;
  // Set when the stream will end: after the queue, this last result (if any), then done.
  let ending: { last: ExecutionResult | null; thrown?: unknown } | null = null;
  let returned = false;
  let pumping = false;
  let wakeConsumer: (() => void) | null = null;
  // Wakes the pump's wait for the next event when the stream ends meanwhile. One promise
  // per wait: racing each wait against one long-lived promise would leave a reaction on
  // it per event, kept for as long as the subscription is open.
  let interruptWait: (() => void) | null = null;
  const wakePump = () => interruptWait?.();
  const stopWatchingSession = options.guard.watch(options.session, (reason) => {
    end({ errors: [sessionEndedError(reason)] });
    wakePump();
  });
  let stopWatchingDrain = () => {};
  const stopWatching = () => {
    stopWatchingSession();
    stopWatchingDrain();
  };
  const notify = () => {
    const wake = wakeConsumer;
    wakeConsumer = null;
    wake?.();
  };
  const end = (last: ExecutionResult | null, thrown?: unknown, keepQueued = false) => {
    if (ending) return;
    ending = { last, ...(thrown === undefined ? {} : { thrown }) };
    stopWatching();
    if (last?.errors && !keepQueued) {
      // Nothing queued is sent after an error that ends the stream: free it now.
      queue.length = 0;
      queuedBytes = 0;
    }
    void inner.return?.();
    notify();
  };

  // What was already queued is still delivered: the client resumes after it.
  stopWatchingDrain =
    options.drain?.watch(() => {
      end({ errors: [restartingError()] }, undefined, true);
      wakePump();
    }) ?? (() => {});

  const pump = async () => {
    pumping = true;
    try {
      while (!ending) {
        const item = await new Promise<IteratorResult<ExecutionResult> | null>(
          (resolve, reject) => {
            interruptWait = () => resolve(null);
            inner.next().then(resolve, reject);
          },
        );
        interruptWait = null;
        if (ending || item === null) break;
        if (item.done) {
          end(null);
          break;
        }
        const bytes = sizeOf(item.value);
        queue.push({ value: item.value, bytes });
        queuedBytes += bytes;
        if (options.unreadBytes(handedOut) + queuedBytes > options.maxUnreadBytes) {
          options.onTooSlow?.();
          end({ errors: [tooSlowError(options.maxUnreadBytes)] });
          break;
        }
        notify();
      }
    } catch (error) {
      end(null, error);
    }
  };

  const guarded: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (!pumping && !returned) void pump();
      for (;;) {
        if (returned) return { value: undefined, done: true };
        const head = queue.shift();
        if (head) {
          queuedBytes -= head.bytes;
          handedOut += head.bytes;
          return { value: head.value, done: false };
        }
        if (ending) {
          const { last, thrown } = ending;
          returned = true;
          if (thrown !== undefined) throw thrown;
          return last ? { value: last, done: false } : { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
    },
    async return() {
      returned = true;
      end(null);
      queue.length = 0;
      queuedBytes = 0;
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      returned = true;
      end(null);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return guarded;
    },
  };
  return guarded;
}

/**
 * An event's size as the transports will write it (JSON). Serializing it here as well is
 * the price of knowing what a slow client costs before it costs it.
 */
function sizeOf(value: ExecutionResult): number {
  try {
    return Buffer.byteLength(JSON.stringify(value));
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
