import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { GraphQLError, parse, getOperationAST } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { RouterContext } from '../context';
import type { LoadedSupergraph } from '../supergraph';
import type { ViewerResolver } from '../viewer';
import { checkSubscription } from '../edge/limits';
import { operationLimitsFromEnv } from '../edge/limits/config';
import type { Viewer } from '../../platform/identity';
import type { FederatedSubscriptions } from './executor';
import type { SubscriptionLimits } from './limits';
import { executeThroughApollo } from './operations';

/**
 * Clients subscribe over graphql-ws on /graphql (the same path as HTTP). The connection's
 * `connectionParams.authorization` decides who the subscriber is, once, at connect.
 */
export function startWebSocketTransport(options: {
  httpServer: Server;
  supergraph: LoadedSupergraph;
  subscriptions: FederatedSubscriptions;
  apollo: ApolloServer<RouterContext>;
  limits: SubscriptionLimits;
  viewerOf: ViewerResolver;
}): { close(): Promise<void> } {
  const { supergraph, subscriptions, apollo, limits } = options;
  const wsServer = new WebSocketServer({ server: options.httpServer, path: '/graphql' });
  const openPerConnection = new WeakMap<object, Set<string>>();
  const viewers = new WeakMap<object, Viewer>();
  const operationLimits = operationLimitsFromEnv();

  const cleanup = useServer<Record<string, unknown>, { socket: object; request: IncomingMessage }>(
    {
      schema: supergraph.apiGraphQLSchema,
      // The token is checked once, at connect; a bad one refuses the connection (4403).
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        try {
          const viewer = await options.viewerOf({
            headers: {
              ...ctx.extra.request.headers,
              authorization: typeof authorization === 'string' ? authorization : undefined,
            },
            socket: ctx.extra.request.socket,
          });
          viewers.set(ctx.extra.socket, viewer);
        } catch {
          return false;
        }
        openPerConnection.set(ctx.extra.socket, new Set());
        return true;
      },
      onSubscribe: (ctx, id, payload) => {
        const open = openPerConnection.get(ctx.extra.socket)!;
        // The same operation limits as HTTP (queries and mutations over the socket go
        // through Apollo Server, which applies them itself).
        const tooMuch = checkSubscription(
          payload.query,
          payload.variables,
          payload.operationName,
          supergraph.apiGraphQLSchema,
          operationLimits,
        );
        if (tooMuch) return [tooMuch];
        if (isSubscription(payload.query, payload.operationName)) {
          if (open.size >= limits.maxPerConnection) {
            return [
              new GraphQLError(`At most ${limits.maxPerConnection} subscriptions per connection`, {
                extensions: { code: 'SUBSCRIPTION_LIMIT_REACHED' },
              }),
            ];
          }
          open.add(id);
        }
      },
      onComplete: (ctx, id) => {
        openPerConnection.get(ctx.extra.socket)?.delete(id);
      },
      context: (ctx): RouterContext => ({
        viewer: viewers.get(ctx.extra.socket)!,
        requestId: randomUUID(),
      }),
      subscribe: (args) =>
        subscriptions.subscribe({
          document: args.document,
          variables: args.variableValues as Record<string, unknown> | undefined,
          operationName: args.operationName,
          context: args.contextValue as RouterContext,
        }),
      execute: (args) => executeThroughApollo(apollo, args),
    },
    wsServer,
  );
  return {
    close: async () => {
      await cleanup.dispose();
    },
  };
}

function isSubscription(query: string, operationName?: string | null): boolean {
  try {
    return getOperationAST(parse(query), operationName)?.operation === 'subscription';
  } catch {
    return false;
  }
}
