import { GraphQLError, type ExecutionResult } from 'graphql';
import type { TokenSession } from '../../platform/auth/verify-token';
import { sessionEndedError, type SessionGuard } from '../auth/sessions';
import type { SubscriptionResult } from './executor';

export interface StreamGuardOptions {
  /** The subscriber's session: the stream ends with UNAUTHENTICATED when it expires or is revoked. */
  session: TokenSession | null;
  guard: SessionGuard;
  /** Bytes written to the client's socket and not yet taken by it (writableLength, bufferedAmount). */
  bufferedBytes(): number;
  maxUnreadBytes: number;
  /** Told once when the subscriber was cut off for reading too slowly (to close its socket). */
  onTooSlow?(): void;
}

export function tooSlowError(maxUnreadBytes: number): GraphQLError {
  return new GraphQLError(
    `Subscriber too slow: more than ${maxUnreadBytes} bytes left unread; events were dropped`,
    { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } },
  );
}

/**
 * Wraps a subscription's events for one transport. Before each event is handed on, the
 * bytes the client left unread in its socket are counted: a transport that writes
 * without waiting (graphql-sse, graphql-ws) would otherwise buffer every event of a client
 * that never reads, in this process. Past `maxUnreadBytes` the stream ends with one last
 * SUBSCRIBER_TOO_SLOW result. The stream also ends, with UNAUTHENTICATED, as soon as the
 * subscriber's session expires or is revoked, even while no event is flowing.
 */
export function guardStream(
  result: SubscriptionResult,
  options: StreamGuardOptions,
): SubscriptionResult {
  if (!isIterator(result)) return result;
  const inner: AsyncIterableIterator<ExecutionResult> = result;
  let finished = false;
  let ended: GraphQLError | null = null;
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const stopWatching = options.guard.watch(options.session, (reason) => {
    ended = sessionEndedError(reason);
    wake();
  });
  const finish = async (error: GraphQLError): Promise<IteratorResult<ExecutionResult>> => {
    finished = true;
    stopWatching();
    await inner.return?.();
    return { value: { errors: [error] }, done: false };
  };

  const guarded: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (finished) return { value: undefined, done: true };
      if (ended) return finish(ended);
      if (options.bufferedBytes() > options.maxUnreadBytes) {
        options.onTooSlow?.();
        return finish(tooSlowError(options.maxUnreadBytes));
      }
      const item = await Promise.race([inner.next(), woken.then(() => null)]);
      if (item === null) return finish(ended!);
      if (item.done) {
        finished = true;
        stopWatching();
      }
      return item;
    },
    async return() {
      finished = true;
      stopWatching();
      await inner.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      finished = true;
      stopWatching();
      await inner.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return guarded;
    },
  };
  return guarded;
}

export function isIterator(
  value: SubscriptionResult,
): value is AsyncIterableIterator<ExecutionResult> {
  return (
    typeof (value as AsyncIterableIterator<ExecutionResult>)[Symbol.asyncIterator] === 'function'
  );
}

/** How long a cut-off client gets to read its last event before its socket is destroyed. */
export const SLOW_CLIENT_GRACE_MS = 10_000;

/** A client that reads nothing at all would hold its socket (and our buffer) forever. */
export function closeSlowSocket(
  socket: { destroyed: boolean; destroy(): void; once(event: 'close', fn: () => void): unknown },
  graceMs = SLOW_CLIENT_GRACE_MS,
): void {
  const timer = setTimeout(() => {
    if (!socket.destroyed) socket.destroy();
  }, graceMs);
  timer.unref?.();
  socket.once('close', () => clearTimeout(timer));
}
