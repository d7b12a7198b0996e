import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { DocumentNode, ExecutionResult } from 'graphql';
import type { RouterContext } from '../context';
import type { ViewerResolver } from '../viewer';
import type { FederatedSubscriptions } from './executor';

const BOUNDARY = 'graphql';
const HEARTBEAT_MS = Number(process.env.MULTIPART_HEARTBEAT_MS ?? 5000);
/** Bytes a slow reader may leave unread before the stream is closed for it. */
const MAX_UNREAD_BYTES = Number(process.env.MAX_UNREAD_BYTES ?? 1_000_000);

/** Apollo Client asks for subscriptions over HTTP with this Accept header. */
export function acceptsMultipartSubscription(req: Request): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('multipart/mixed') && accept.includes('subscriptionSpec');
}

/**
 * The multipart HTTP subscription protocol Apollo Client speaks: one long response whose
 * parts are `{"payload": result}`, a `{}` heartbeat every few seconds, and a closing
 * boundary when the subscription ends.
 */
export async function serveMultipartSubscription(
  req: Request,
  res: Response,
  subscriptions: FederatedSubscriptions,
  operation: {
    document: DocumentNode;
    variables?: Record<string, unknown>;
    operationName?: string | null;
  },
  viewerOf: ViewerResolver,
): Promise<void> {
  const context: RouterContext = {
    viewer: await viewerOf(req),
    requestId:
      typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID(),
  };
  const result = subscriptions.subscribe({ ...operation, context });
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
  const heartbeat = setInterval(() => writePart({}), HEARTBEAT_MS);
  let closed = false;
  const clientGone = new Promise<void>((resolve) =>
    res.on('close', () => {
      closed = true;
      void result.return?.();
      resolve();
    }),
  );
  try {
    while (!closed) {
      const next = await result.next();
      if (next.done) break;
      const flushed = writePart({ payload: next.value });
      if (!flushed) {
        if (res.writableLength > MAX_UNREAD_BYTES) {
          writePart({
            payload: null,
            errors: [
              {
                message: 'Client too slow: events were dropped',
                extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
              },
            ],
          });
          break;
        }
        await Promise.race([new Promise((resolve) => res.once('drain', resolve)), clientGone]);
        if (closed) break;
      }
    }
  } finally {
    clearInterval(heartbeat);
    await result.return?.();
    finish();
  }
}

function isIterator(
  value: AsyncIterableIterator<ExecutionResult> | ExecutionResult,
): value is AsyncIterableIterator<ExecutionResult> {
  return (
    typeof (value as AsyncIterableIterator<ExecutionResult>)[Symbol.asyncIterator] === 'function'
  );
}
