import type { SubgraphContext } from '../../platform/context';
import { withUserErrors } from '../../platform/errors';
import { parseId } from '../../platform/ids';
import { mapConnection } from '../../platform/pagination';
import type { Endpoint } from './domain/endpoints';
import type { Delivery, DeliveryEvent } from './domain/queue';
import { EVENT_TYPE_NAMES, WEBHOOK_TOPICS, type WebhookTopic } from './domain/topics';
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

/** A delivery as the resolvers hand it on; its attemptHistory is loaded per field. */
export type WebhookDeliveryModel = ReturnType<typeof toDelivery>;

const svc = (ctx: Context) => ctx.services.webhooks;

/** Outbox topic → the API's enum and the event's type (the document's fragments). */
const EVENT_TYPES: Record<string, { topic: WebhookTopic; type: string }> = Object.fromEntries(
  (Object.keys(WEBHOOK_TOPICS) as WebhookTopic[]).map((topic) => [
    WEBHOOK_TOPICS[topic].outbox,
    { topic, type: EVENT_TYPE_NAMES[topic] },
  ]),
);

function toEvent(event: DeliveryEvent) {
  const v = event.variables as Record<string, string & string[]>;
  return {
    __typename: EVENT_TYPES[event.topic]!.type,
    id: event.id,
    topic: EVENT_TYPES[event.topic]!.topic,
    issuedAt: new Date(event.issuedAt).toISOString(),
    order: v.orderId ? { id: v.orderId } : null,
    product: v.productId ? { id: v.productId } : null,
    fulfillmentIds: v.fulfillmentIds ?? [],
    sku: v.sku ?? null,
    warehouseId: v.warehouseId ?? null,
  };
}

// Who may call what is in schema.graphql (@requiresPermission apps:manage).
export const webhooksResolvers = {
  Query: {
    async webhookEvent(_, args, ctx) {
      // One shape for the five event types; __resolveType below picks the type by topic.
      return toEvent(await svc(ctx).event(ctx.viewer, args.deliveryId)) as never;
    },
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
  WebhookDelivery: {
    async attemptHistory(delivery, _, ctx) {
      return (await ctx.loaders.attempts.load(delivery.id)).map((a) => ({
        at: new Date(a.attemptedAt).toISOString(),
        durationMs: a.durationMs,
        responseStatus: a.responseStatus,
        error: a.error,
      }));
    },
  },
  WebhookEvent: {
    __resolveType: (event) => event.__typename!,
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
