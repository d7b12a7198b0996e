import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { DocumentNode } from 'graphql';
import type { SessionGuard } from '../auth/sessions';
import type { RouterContext } from '../context';
import type { CallerResolver } from '../viewer';
import type { FederatedSubscriptions } from './executor';
import type { Admit } from './ws-transport';
import type { StreamDrain } from './stream-drain';
import { closeSlowSocket, dispatchedBytes, guardStream, isIterator } from './stream-guard';

const BOUNDARY = 'graphql';

export interface MultipartOptions {
  subscriptions: FederatedSubscriptions;
  callerOf: CallerResolver;
  sessions: SessionGuard;
  /** Bytes a slow reader may leave unread before the stream is closed for it. */
  maxUnreadBytes: number;
  slowClientGraceMs: number;
  drain: StreamDrain;
  heartbeatMs: number;
  admit?: Admit;
}

/** Apollo Client asks for subscriptions over HTTP with this Accept header. */
export function acceptsMultipartSubscription(req: Request): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('multipart/mixed') && accept.includes('subscriptionSpec');
}

/**
 * The multipart HTTP subscription protocol Apollo Client speaks: one long response whose
 * parts are `{"payload": result}`, a `{}` heartbeat every few seconds, and a closing
 * boundary when the subscription ends (after an UNAUTHENTICATED part when the session
 * ends, or a SUBSCRIBER_TOO_SLOW part when the client stops reading).
 */
export async function serveMultipartSubscription(
  req: Request,
  res: Response,
  operation: {
    document: DocumentNode;
    variables?: Record<string, unknown>;
    operationName?: string | null;
  },
  options: MultipartOptions,
): Promise<void> {
  const caller = await options.callerOf(req);
  const socket = req.socket;
  const context: RouterContext = {
    viewer: caller.viewer,
    session: caller.session,
    requestId:
      typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID(),
  };
  const refused = await options.admit?.({ viewer: caller.viewer, perIp: false, perUser: true });
  if (refused) throw refused;
  // One stream per request: what the socket passed on since now is this stream's.
  const dispatched = dispatchedBytes(socket);
  const result = guardStream(options.subscriptions.subscribe({ ...operation, context }), {
    session: caller.session,
    guard: options.sessions,
    unreadBytes: (handedOut) => Math.max(0, handedOut - dispatched()),
    maxUnreadBytes: options.maxUnreadBytes,
    drain: options.drain,
    onTooSlow: () => closeSlowSocket(socket, options.slowClientGraceMs),
  });
  res.status(200);
  res.setHeader('content-type', `multipart/mixed;boundary="${BOUNDARY}";subscriptionSpec="1.0"`);
  res.setHeader('cache-control', 'no-cache');
  res.flushHeaders();

  // Each part is followed by the boundary at once, so a reader can hand it on without
  // waiting for the next one; the last boundary gets the closing `--`.
  res.write(`\r\n--${BOUNDARY}`);
  const writePart = (body: unknown): boolean =>
    res.write(
      `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${JSON.stringify(body)}\r\n--${BOUNDARY}`,
    );
  const finish = (): void => {
    if (!res.writableEnded) res.end('--\r\n');
  };

  if (!isIterator(result)) {
    writePart({ payload: null, errors: result.errors });
    return finish();
  }
  const heartbeat = setInterval(() => writePart({}), options.heartbeatMs);
  let closed = false;
  res.on('close', () => {
    closed = true;
    void result.return?.();
  });
  try {
    while (!closed) {
      const next = await result.next();
      if (next.done) break;
      // Errors that end the stream (session ended, too slow) go in the part's `errors`.
      if (!next.value.data && next.value.errors)
        writePart({ payload: null, errors: next.value.errors });
      else writePart({ payload: next.value });
    }
  } finally {
    clearInterval(heartbeat);
    await result.return?.();
    finish();
  }
}
