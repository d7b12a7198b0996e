import type { SubgraphContext } from '../../platform/context';
import { withUserErrors } from '../../platform/errors';
import { parseId } from '../../platform/ids';
import { mapConnection } from '../../platform/pagination';
import type { ReceivedMail } from './domain/dev-mailbox';
import type { Delivery } from './domain/queue';
import type { Resolvers } from './generated/resolvers-types';
import type { NotificationsServices } from './index';
import type { NotificationsLoaders } from './loaders';

export type Context = SubgraphContext<NotificationsServices, NotificationsLoaders>;

/** A delivery as the API shows it (times as ISO strings). */
export type DeliveryModel = ReturnType<typeof toDelivery>;

function toDelivery(d: Delivery) {
  return {
    id: d.id,
    eventId: d.eventId,
    topic: d.topic,
    template: d.template,
    recipient: d.recipient,
    locale: d.locale,
    orderId: d.orderId,
    subject: d.subject,
    text: d.text,
    html: d.html,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    nextAttemptAt: d.status === 'PENDING' ? new Date(d.nextAttemptAt).toISOString() : null,
    createdAt: new Date(d.createdAt).toISOString(),
    sentAt: d.sentAt ? new Date(d.sentAt).toISOString() : null,
  };
}

function toDevMail(m: ReceivedMail) {
  return { ...m, id: String(m.id), receivedAt: m.receivedAt.toISOString() };
}

const svc = (ctx: Context) => ctx.services.notifications;

// Who may call what is in schema.graphql (@requiresPermission notifications:manage).
export const notificationsResolvers = {
  Query: {
    async notificationDeliveries(_, args, ctx) {
      const orderId = args.orderId ? parseId(args.orderId, 'orderId') : null;
      const page = await svc(ctx).deliveries(
        { status: args.status, recipient: args.recipient, orderId },
        args,
      );
      return mapConnection(page, toDelivery);
    },
    devMailbox: (_, args, ctx) => svc(ctx).devMails(args.recipient, args.first).map(toDevMail),
  },
  Mutation: {
    notificationDeliveryRetry: (_, { id }, ctx) =>
      withUserErrors(async () => ({ delivery: toDelivery(await svc(ctx).retry(id)) })),
  },
} satisfies Resolvers;
