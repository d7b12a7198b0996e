import type { SubgraphContext } from '../../platform/context';
import { withUserErrors } from '../../platform/errors';
import { parseId } from '../../platform/ids';
import { mapConnection } from '../../platform/pagination';
import type { Endpoint } from './domain/endpoints';
import type { Delivery } from './domain/queue';
import type { Resolvers } from './generated/resolvers-types';
import type { WebhooksServices } from './index';
import type { WebhooksLoaders } from './loaders';

export type Context = SubgraphContext<WebhooksServices, WebhooksLoaders>;

function toEndpoint(e: Endpoint) {
  return { ...e, createdAt: new Date(e.createdAt).toISOString() };
}

function toDelivery(d: Delivery) {
  return {
    id: d.id,
    eventId: d.eventId,
    endpointId: d.endpointId,
    topic: d.topic,
    payload: d.payload,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    responseStatus: d.responseStatus,
    nextAttemptAt: d.status === 'PENDING' ? new Date(d.nextAttemptAt).toISOString() : null,
    createdAt: new Date(d.createdAt).toISOString(),
    deliveredAt: d.deliveredAt ? new Date(d.deliveredAt).toISOString() : null,
  };
}

const svc = (ctx: Context) => ctx.services.webhooks;

// Who may call what is in schema.graphql (@requiresPermission apps:manage).
export const webhooksResolvers = {
  Query: {
    async webhookEndpoints(_, args, ctx) {
      const appId = args.appId ? parseId(args.appId, 'appId') : null;
      return (await svc(ctx).endpoints.list(appId)).map(toEndpoint);
    },
    async webhookDeliveries(_, args, ctx) {
      const endpointId = args.endpointId ? parseId(args.endpointId, 'endpointId') : null;
      return mapConnection(
        await svc(ctx).deliveries({ status: args.status, endpointId }, args),
        toDelivery,
      );
    },
  },
  Mutation: {
    webhookCreate: (_, { input }, ctx) =>
      withUserErrors(async () => {
        const { endpoint, secret } = await svc(ctx).createEndpoint(input);
        return { endpoint: toEndpoint(endpoint), secret };
      }),
    webhookDeliveryRetry: (_, { id }, ctx) =>
      withUserErrors(async () => ({ delivery: toDelivery(await svc(ctx).retry(id)) })),
  },
} satisfies Resolvers;
