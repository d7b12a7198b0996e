import { join } from 'node:path';
import { createLogger } from '../../platform/logging';
import { startPeriodicJob } from '../../platform/periodic-job';
import { subgraphTypeDefs } from '../../platform/schema';
import type { ServiceDeps, SubgraphModule } from '../../platform/subgraph';
import { loadNotificationsConfig } from './config';
import { DevMailbox } from './domain/dev-mailbox';
import { SmtpMailer, type Mailer } from './domain/mailer';
import { notificationsEntities } from './entities';
import { IdentityGateway } from './gateways';
import { createNotificationsLoaders, type NotificationsLoaders } from './loaders';
import { NotificationsInitial1767200000000 } from './migrations/0001-notifications-initial';
import { notificationsResolvers } from './resolvers';
import { NotificationsService } from './service';

const log = createLogger('notifications');

export interface NotificationsServices {
  notifications: NotificationsService;
}

/** A mailer that waits for the dev mailbox to listen before its first send. */
function devMailer(mailbox: DevMailbox, port: number, from: string, timeoutMs: number): Mailer {
  const started = mailbox.start(port).then((taken) => {
    log.info('dev mailbox: SMTP_URL is unset, emails go to an in-process SMTP server', {
      smtp: mailbox.url,
      read: 'staff query devMailbox(recipient) through the router',
      port: taken,
    });
    return new SmtpMailer({ url: mailbox.url, from, timeoutMs });
  });
  started.catch((error: Error) => log.error('dev mailbox did not start', { error: error.message }));
  return {
    send: async (email) => (await started).send(email),
    close: () => void started.then((m) => m.close()).catch(() => {}),
  };
}

export function createNotificationsServices({
  dataSource,
  subgraphUrls,
}: Pick<ServiceDeps, 'dataSource' | 'subgraphUrls'>): NotificationsServices {
  const config = loadNotificationsConfig();
  let devMailbox: DevMailbox | null = null;
  let mailer: Mailer;
  if (config.SMTP_URL) {
    mailer = new SmtpMailer({
      url: config.SMTP_URL,
      from: config.MAIL_FROM,
      timeoutMs: config.SMTP_TIMEOUT_MS,
    });
  } else {
    if (config.NODE_ENV === 'production')
      log.warn('SMTP_URL is not set: emails stay in the dev mailbox');
    devMailbox = new DevMailbox(config.DEV_MAILBOX_DIR ?? null);
    mailer = devMailer(devMailbox, config.DEV_SMTP_PORT, config.MAIL_FROM, config.SMTP_TIMEOUT_MS);
  }
  return {
    notifications: new NotificationsService(
      dataSource,
      mailer,
      new IdentityGateway(subgraphUrls),
      config,
      devMailbox,
    ),
  };
}

export const notificationsSubgraph: SubgraphModule<NotificationsServices, NotificationsLoaders> = {
  name: 'notifications',
  dbSchema: 'notifications',
  defaultPort: 4013,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: notificationsResolvers,
  entities: notificationsEntities,
  migrations: [NotificationsInitial1767200000000],
  createServices: createNotificationsServices,
  createLoaders: () => createNotificationsLoaders(),
  consumers: ({ notifications }) => notifications.consumers(),
  // Retries: what failed waits out its backoff, then this job sends it (new mail goes at once).
  startBackground: ({ notifications }) =>
    startPeriodicJob(
      log,
      'notification sender',
      () => notifications.sender.sendDue(),
      notifications.config.NOTIFICATIONS_SEND_INTERVAL_MS,
    ),
  closeServices: async ({ notifications }) => {
    notifications.mailer.close();
    await notifications.devMailbox?.stop();
  },
};
