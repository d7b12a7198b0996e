import type { DataSource, EntityManager } from 'typeorm';
import type { EventHandler } from '../../platform/events/consume';
import { hasPermission, refuse } from '../../platform/authorization';
import { DomainError, notFound } from '../../platform/errors';
import type { Viewer } from '../../platform/identity';
import { isUuid } from '../../platform/ids';
import { createLogger } from '../../platform/logging';
import { APP_REVOKED_TOPIC, type AppRevokedEvent } from '../../platform/topics';
import type { PageArgs } from '../../platform/pagination';
import { outboundPolicyOf, type WebhooksConfig } from './config';
import { DeliveryAttempts } from './domain/attempts';
import { Endpoints, type EndpointInput } from './domain/endpoints';
import { DeliveryQueue, type DeliveryEvent, type DeliveryStatus } from './domain/queue';
import { WebhookSender } from './domain/sender';
import { variablesOf, WEBHOOK_TOPICS, type WebhookTopic } from './domain/topics';
import { WebhooksErrorCode } from './errors';
import { resolveThroughRouter, type IdentityGateway } from './gateways';

const log = createLogger('webhooks');

/**
 * Webhooks' entry point: other domains' events in (each queued as one delivery per
 * subscribed endpoint in its inbox transaction, then sent at once), the sender the
 * periodic job runs, and what staff register, see and retry.
 */
export class WebhooksService {
  readonly queue: DeliveryQueue;
  readonly sender: WebhookSender;
  readonly endpoints: Endpoints;
  readonly attempts: DeliveryAttempts;

  constructor(
    db: DataSource,
    private readonly identity: IdentityGateway,
    readonly config: WebhooksConfig,
    /** The router's /graphql, looked up at each call (the router starts after subgraphs). */
    routerUrl: () => string | undefined,
  ) {
    const policy = outboundPolicyOf(config);
    this.endpoints = new Endpoints(db, policy);
    this.queue = new DeliveryQueue(db, {
      maxAttempts: config.WEBHOOKS_MAX_ATTEMPTS,
      baseMs: config.WEBHOOKS_RETRY_BASE_MS,
      maxMs: config.WEBHOOKS_RETRY_MAX_MS,
    });
    this.attempts = new DeliveryAttempts(db);
    this.sender = new WebhookSender({
      queue: this.queue,
      attempts: this.attempts,
      appToken: (appId) => identity.appToken(appId),
      resolve: (token, query, variables) => {
        const url = routerUrl();
        if (!url) throw new Error('ROUTER_URL is not set');
        return resolveThroughRouter(url, token, query, variables, config.WEBHOOKS_TIMEOUT_MS);
      },
      policy,
      timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
      batch: config.WEBHOOKS_SEND_BATCH,
      // The router and the endpoint each within the timeout: a live sender's claim never lapses.
      leaseMs: config.WEBHOOKS_TIMEOUT_MS * 3 + 1_000,
    });
  }

  consumers(): EventHandler<never>[] {
    const appRevoked: EventHandler<AppRevokedEvent> = {
      topic: APP_REVOKED_TOPIC,
      handle: (tx, event) => this.endpoints.deactivateApp(tx, event.appId),
    };
    const deliveries = (Object.keys(WEBHOOK_TOPICS) as WebhookTopic[]).map((topic) => ({
      topic: WEBHOOK_TOPICS[topic].outbox,
      handle: async (tx: EntityManager, event: Record<string, unknown> & { eventId: string }) => {
        await this.queue.enqueue(tx, event.eventId, WEBHOOK_TOPICS[topic].outbox, {
          ...variablesOf(topic, event),
        });
      },
      afterCommit: async () => this.kick(),
    }));
    return [appRevoked, ...deliveries] as unknown as EventHandler<never>[];
  }

  /** The app must exist (identity says so by giving it a token). */
  async createEndpoint(input: EndpointInput) {
    if (!isUuid(input.appId))
      throw new DomainError(WebhooksErrorCode.INVALID_ID, 'Not an app id', ['input', 'appId']);
    const appId = input.appId.toLowerCase();
    await this.identity.appToken(appId);
    return this.endpoints.create({ ...input, appId });
  }

  /**
   * A delivery's event for its document: the app whose endpoint it is (resolving its
   * payload) or staff with apps:manage; NOT_FOUND alike for no delivery and another app's.
   */
  async event(viewer: Viewer, deliveryId: string): Promise<DeliveryEvent> {
    const appOf = viewer.kind === 'staff' ? viewer.staffId : null;
    const manager = hasPermission(viewer, 'apps:manage');
    if (!manager && !appOf) refuse(viewer, 'Requires the app the delivery is for, or apps:manage');
    const event = isUuid(deliveryId) ? await this.queue.eventOf(deliveryId.toLowerCase()) : null;
    if (!event || (!manager && event.appId !== appOf))
      throw notFound('WebhookDelivery', deliveryId);
    return event;
  }

  deliveries(
    filter: { status?: DeliveryStatus | null; endpointId?: string | null },
    page: PageArgs,
  ) {
    return this.queue.list(filter, page);
  }

  async retry(id: string) {
    if (!isUuid(id))
      throw new DomainError(WebhooksErrorCode.INVALID_ID, 'Not a delivery id', ['id']);
    if ((await this.endpoints.activeForDelivery(id.toLowerCase())) === false)
      throw new DomainError(
        WebhooksErrorCode.ENDPOINT_INACTIVE,
        'The endpoint no longer receives deliveries (its app was revoked)',
        ['id'],
      );
    const delivery = await this.queue.retry(id.toLowerCase());
    this.kick();
    return delivery;
  }

  /** Sends what is due now, in the background: a failure here is the periodic job's to retry. */
  private kick(): void {
    this.sender
      .sendDue()
      .catch((error: Error) => log.warn('immediate send failed', { error: error.message }));
  }
}
