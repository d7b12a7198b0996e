import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { isPosition } from '../../platform/events/transport';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { SessionGuard } from '../auth/sessions';
import type { RouterContext } from '../context';
import type { LoadedSupergraph } from '../supergraph';
import type { CallerResolver } from '../viewer';
import type { FederatedSubscriptions } from './executor';
import type { Admit } from './ws-transport';
import { executeIncrementallyThroughApollo, withDeferDirective } from '../defer';
import type { StreamDrain } from './stream-drain';
import { closeSlowSocket, dispatchedBytes, guardStream } from './stream-guard';

/**
 * Server-Sent Events (graphql-sse), for HTTP-only clients and proxies that block
 * WebSockets. Served on /graphql/stream, and on /graphql when the client accepts
 * text/event-stream. A stream ends with an UNAUTHENTICATED error event when its token
 * expires or its session is revoked, and with SUBSCRIBER_TOO_SLOW when its client leaves
 * more than `maxUnreadBytes` unread.
 */
export function sseHandler(options: {
  supergraph: LoadedSupergraph;
  subscriptions: FederatedSubscriptions;
  apollo: ApolloServer<RouterContext>;
  callerOf: CallerResolver;
  sessions: SessionGuard;
  maxUnreadBytes: number;
  slowClientGraceMs: number;
  drain: StreamDrain;
  admit?: Admit;
}): RequestHandler {
  const sockets = new WeakMap<RouterContext, Socket>();
  const resumeOf = new WeakMap<RouterContext, string>();
  const handler = createHandler<RouterContext>({
    // Read per request: the supergraph can be reloaded (router/reload); @defer is accepted.
    schema: () => withDeferDirective(options.supergraph.apiGraphQLSchema),
    context: async (req, params): Promise<RouterContext> => {
      const caller = await options.callerOf(req.raw);
      const socket = req.raw.socket;
      const context: RouterContext = {
        viewer: caller.viewer,
        session: caller.session,
        requestId: req.headers.get('x-request-id') ?? randomUUID(),
      };
      sockets.set(context, socket);
      // EventSource sends the last `id:` it saw when it reconnects; other clients may say so
      // in the request's extensions as over graphql-ws.
      const lastEventId = req.headers.get('last-event-id') ?? params.extensions?.lastEventId;
      if (typeof lastEventId === 'string') resumeOf.set(context, lastEventId);
      return context;
    },
    subscribe: async (args) => {
      // The HTTP request was counted per IP; the subscription counts per user as well.
      const refused = await options.admit?.({
        viewer: args.contextValue.viewer,
        perIp: false,
        perUser: true,
      });
      if (refused) return { errors: [refused] };
      const socket = sockets.get(args.contextValue);
      // One stream per request: what the socket passed on since now is this stream's.
      const dispatched = socket ? dispatchedBytes(socket) : null;
      return guardStream(
        options.subscriptions.subscribe({
          document: args.document,
          variables: args.variableValues as Record<string, unknown> | undefined,
          operationName: args.operationName,
          context: args.contextValue,
          lastEventId: resumeOf.get(args.contextValue) ?? null,
        }),
        {
          session: args.contextValue.session ?? null,
          guard: options.sessions,
          unreadBytes: (handedOut) => (dispatched ? Math.max(0, handedOut - dispatched()) : 0),
          maxUnreadBytes: options.maxUnreadBytes,
          drain: options.drain,
          onTooSlow: () => {
            if (socket) closeSlowSocket(socket, options.slowClientGraceMs);
          },
        },
      );
    },
    execute: (args) => executeIncrementallyThroughApollo(options.apollo, args),
  });
  return (req, res, next) => {
    withEventIds(res);
    handler(req, res).catch(next);
  };
}

/**
 * graphql-sse writes `event:` and `data:` only: each event that has an id (its position in
 * the broker, `extensions.eventId`) gets an `id:` line as well, which EventSource keeps and
 * sends back as Last-Event-ID when it reconnects.
 */
function withEventIds(res: Response): void {
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && chunk.startsWith('event: next\ndata: ')) {
      const eventId = eventIdOfMessage(chunk.slice('event: next\ndata: '.length));
      if (eventId) return write(`id: ${eventId}\n${chunk}`, ...rest);
    }
    return write(chunk, ...rest);
  }) as Response['write'];
}

function eventIdOfMessage(data: string): string | null {
  try {
    const message = JSON.parse(data) as {
      extensions?: { eventId?: unknown };
      payload?: { extensions?: { eventId?: unknown } };
    };
    const eventId = (message.payload ?? message).extensions?.eventId;
    return isPosition(eventId) ? eventId : null;
  } catch {
    return null;
  }
}
