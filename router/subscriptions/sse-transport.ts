import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { RequestHandler } from 'express';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { RouterContext } from '../context';
import type { LoadedSupergraph } from '../supergraph';
import type { ViewerResolver } from '../viewer';
import type { FederatedSubscriptions } from './executor';
import { executeThroughApollo } from './operations';

/**
 * Server-Sent Events (graphql-sse), for HTTP-only clients and proxies that block
 * WebSockets. Served on /graphql/stream, and on /graphql when the client accepts
 * text/event-stream.
 */
export function sseHandler(options: {
  supergraph: LoadedSupergraph;
  subscriptions: FederatedSubscriptions;
  apollo: ApolloServer<RouterContext>;
  viewerOf: ViewerResolver;
}): RequestHandler {
  const handler = createHandler<RouterContext>({
    schema: options.supergraph.apiGraphQLSchema,
    context: async (req): Promise<RouterContext> => ({
      viewer: await options.viewerOf(req.raw),
      requestId: req.headers.get('x-request-id') ?? randomUUID(),
    }),
    subscribe: (args) =>
      options.subscriptions.subscribe({
        document: args.document,
        variables: args.variableValues as Record<string, unknown> | undefined,
        operationName: args.operationName,
        context: args.contextValue,
      }),
    execute: (args) => executeThroughApollo(options.apollo, args),
  });
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}
