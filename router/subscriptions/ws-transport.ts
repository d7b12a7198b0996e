import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import {
  GraphQLError,
  getOperationAST,
  type ExecutionArgs,
  type parse,
  type validate,
} from 'graphql';
import type { ServerOptions, SubscribePayload } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { VerifiedCaller } from '../../platform/auth/verify-token';
import type { RouterContext } from '../context';
import type { LoadedSupergraph } from '../supergraph';
import type { CallerResolver } from '../viewer';
import { SESSION_CLOSE, sessionEndedError, type SessionGuard } from '../auth/sessions';
import { checkSubscription } from '../edge/limits';
import type { OperationLimits } from '../edge/limits/config';
import type { OperationAdmission } from '../edge';
import type { FederatedSubscriptions, SubscriptionResult } from './executor';
import type { SubscriptionLimits } from './limits';
import { DocumentCache } from './document-cache';
import { serveGraphqlWs, type SocketExtra, type SubscriptionHooks } from './ws-server';
import { executeThroughApollo } from './operations';
import { withDeferDirective } from '../defer';
import { RESTARTING_CLOSE } from './stream-drain';
import { closeSlowSocket, guardStream } from './stream-guard';

/** A WebSocket whose client left more than MAX_UNREAD_BYTES unread is closed with this. */
export const TOO_SLOW_CLOSE = { code: 4413, reason: 'SUBSCRIBER_TOO_SLOW' } as const;

/** Asks the edge whether one more operation may run (rate limits: router/edge). */
export type Admit = (operation: OperationAdmission) => Promise<GraphQLError | null>;

type ConnectionContext = Parameters<SubscriptionHooks['ended']>[0];

interface Connection {
  caller: VerifiedCaller;
  open: Set<string>;
  stopWatching: () => void;
}

/**
 * Clients subscribe over graphql-ws on /graphql (the same path as HTTP). The connection's
 * `connectionParams.authorization` decides who the subscriber is, at connect; a token
 * that is invalid or whose session was revoked refuses the connection (4403). Every
 * operation then re-checks the session, and the socket is closed with 4401 ("Access
 * token expired" / "Session revoked") the moment the token expires or the session is
 * revoked: to go on, the client reconnects with a fresh token.
 */
export function startWebSocketTransport(options: {
  httpServer: Server;
  supergraph: LoadedSupergraph;
  subscriptions: FederatedSubscriptions;
  apollo: ApolloServer<RouterContext>;
  limits: SubscriptionLimits;
  operationLimits: OperationLimits;
  callerOf: CallerResolver;
  sessions: SessionGuard;
  maxUnreadBytes: number;
  slowClientGraceMs: number;
  admit?: Admit;
}): { drain(): number; close(): Promise<void> } {
  const { supergraph, subscriptions, apollo, limits, operationLimits, sessions } = options;
  // A message larger than a request body may be is refused by ws before it is buffered
  // whole or parsed (close 1009).
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: '/graphql',
    maxPayload: operationLimits.maxBodyBytes,
  });
  const connections = new WeakMap<object, Connection>();
  const socketOf = new WeakMap<RouterContext, WebSocket>();
  const resumeOf = new WeakMap<RouterContext, string>();
  const endSession = (socket: WebSocket, reason: 'expired' | 'revoked') =>
    socket.close(SESSION_CLOSE.code, SESSION_CLOSE.reasons[reason]);

  const documents = new DocumentCache();
  const isSubscription = (query: string, operationName?: string | null): boolean => {
    try {
      return getOperationAST(documents.parse(query), operationName)?.operation === 'subscription';
    } catch {
      return false;
    }
  };

  const contextOf = (ctx: ConnectionContext, payload: SubscribePayload): RouterContext => {
    const { caller } = connections.get(ctx.extra.socket)!;
    const context: RouterContext = {
      viewer: caller.viewer,
      session: caller.session,
      // randomUUID's string is a rope of its pieces, kept per open subscription.
      requestId: randomBytes(16).toString('hex'),
    };
    socketOf.set(context, ctx.extra.socket);
    // A client resuming after a reconnect: `extensions.lastEventId` of its subscribe.
    const lastEventId = payload.extensions?.lastEventId;
    if (typeof lastEventId === 'string') resumeOf.set(context, lastEventId);
    return context;
  };
  const subscribeGuarded = (args: ExecutionArgs): SubscriptionResult => {
    const context = args.contextValue as RouterContext;
    const socket = socketOf.get(context)!;
    return guardStream(
      subscriptions.subscribe({
        document: args.document,
        variables: args.variableValues as Record<string, unknown> | undefined,
        operationName: args.operationName,
        context,
        lastEventId: resumeOf.get(context) ?? null,
      }),
      {
        // The socket closes itself when the session ends (onConnect).
        session: null,
        guard: sessions,
        // ws-server.ts waits for each message to be taken before it sends the next, so
        // what waits for this client queues in the guard; the socket holds one message.
        unreadBytes: () => socket.bufferedAmount,
        maxUnreadBytes: options.maxUnreadBytes,
        onTooSlow: () => closeTooSlow(socket, options.slowClientGraceMs),
      },
    );
  };
  const forget = (ctx: ConnectionContext, id: string) =>
    connections.get(ctx.extra.socket)?.open.delete(id);
  const serverOptions: ServerOptions<Record<string, unknown>, SocketExtra> = {
    parse: documents.parse as typeof parse,
    validate: documents.validate as typeof validate,
    // Read per operation: the supergraph can be reloaded under an open socket. @defer is
    // accepted; a deferred query over graphql-ws is answered in one result.
    schema: () => withDeferDirective(supergraph.apiGraphQLSchema),
    onConnect: async (ctx) => {
      const authorization = ctx.connectionParams?.authorization;
      let caller: VerifiedCaller;
      try {
        caller = await options.callerOf({
          headers: {
            ...ctx.extra.request!.headers,
            authorization: typeof authorization === 'string' ? authorization : undefined,
          },
          socket: ctx.extra.request!.socket,
        });
      } catch {
        return false;
      }
      // Nothing needs the upgrade request after this, and ten thousand open sockets
      // would each keep one (its headers, raw and parsed) for as long as they live.
      ctx.extra.request = undefined;
      const socket = ctx.extra.socket;
      connections.set(socket, {
        caller,
        open: new Set(),
        stopWatching: sessions.watch(caller.session, (reason) => endSession(socket, reason)),
      });
      return true;
    },
    onClose: (ctx) => {
      connections.get(ctx.extra.socket)?.stopWatching();
    },
    onSubscribe: async (ctx, id, payload) => {
      const connection = connections.get(ctx.extra.socket)!;
      // Every operation, not only the first: a socket outlives its token's session.
      const ended = await sessions.ended(connection.caller.session);
      if (ended) {
        setImmediate(() => endSession(ctx.extra.socket, ended));
        return [sessionEndedError(ended)];
      }
      // Each message counts against the IP like an HTTP request; a subscription also
      // against its user (queries and mutations meet Apollo's per-user limit).
      const refused = await options.admit?.({
        viewer: connection.caller.viewer,
        perIp: true,
        perUser: isSubscription(payload.query, payload.operationName),
      });
      if (refused) return [refused];
      // The same operation limits as HTTP (queries and mutations over the socket go
      // through Apollo Server, which applies them itself).
      const tooMuch = checkSubscription(
        payload.query,
        payload.variables,
        payload.operationName,
        supergraph.apiGraphQLSchema,
        operationLimits,
        documents.parse,
      );
      if (tooMuch) return [tooMuch];
      if (isSubscription(payload.query, payload.operationName)) {
        if (connection.open.size >= limits.maxPerConnection) {
          return [
            new GraphQLError(`At most ${limits.maxPerConnection} subscriptions per connection`, {
              extensions: { code: 'SUBSCRIPTION_LIMIT_REACHED' },
            }),
          ];
        }
        connection.open.add(id);
      }
    },
    onComplete: (ctx, id) => void forget(ctx, id),
    context: (ctx, _id, payload) => contextOf(ctx, payload),
    subscribe: (args) => subscribeGuarded(args),
    execute: (args) => executeThroughApollo(apollo, args),
  };
  // Subscription operations run in ws-server.ts through the same hooks, in graphql-ws's order:
  // the checks, then parse and validate, then the context, then the stream.
  const hooks: SubscriptionHooks = {
    isSubscription: (payload) => isSubscription(payload.query, payload.operationName),
    start: async (ctx, id, payload) => {
      const refused = await serverOptions.onSubscribe!(ctx, id, payload);
      if (refused) return refused as readonly GraphQLError[];
      const document = documents.parse(payload.query);
      const schema = withDeferDirective(supergraph.apiGraphQLSchema);
      const invalid = documents.validate(schema, document);
      if (invalid.length) return invalid;
      const args = {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
      };
      return subscribeGuarded({ ...args, contextValue: contextOf(ctx, payload) });
    },
    ended: (ctx, id) => void forget(ctx, id),
  };
  const cleanup = serveGraphqlWs(serverOptions, hooks, wsServer);
  return {
    // Clients (graphql-ws retries on 1012) reconnect, to another instance, and resubscribe.
    drain: () => {
      for (const socket of wsServer.clients)
        socket.close(RESTARTING_CLOSE.code, RESTARTING_CLOSE.reason);
      return wsServer.clients.size;
    },
    close: async () => {
      await cleanup.dispose();
    },
  };
}

/**
 * The close frame goes after what the socket already holds, so a client that resumes
 * reading gets its events, then the code; one that never does is dropped after the grace.
 */
function closeTooSlow(socket: WebSocket, graceMs: number): void {
  socket.close(TOO_SLOW_CLOSE.code, TOO_SLOW_CLOSE.reason);
  closeSlowSocket(
    {
      get destroyed() {
        return socket.readyState === socket.CLOSED;
      },
      destroy: () => socket.terminate(),
      once: (_event, fn) => socket.once('close', fn),
    },
    graceMs,
  );
}
