import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../../platform/errors';
import {
  checkOutboundUrl,
  OutboundRefused,
  type OutboundPolicy,
} from '../../../platform/outbound-guard';
import { newWebhookSecret } from '../../../platform/webhook-signature';
import { WebhooksErrorCode } from '../errors';
import { checkDocument } from './document';
import { WEBHOOK_TOPICS, type WebhookTopic } from './topics';

export interface Endpoint {
  id: string;
  appId: string;
  url: string;
  topics: WebhookTopic[];
  query: string;
  active: boolean;
  createdAt: Date;
}

export interface EndpointInput {
  appId: string;
  url: string;
  topics: WebhookTopic[];
  query: string;
}

const COLUMNS = `id, app_id AS "appId", url, topics, query, active, created_at AS "createdAt"`;

/** The endpoint's URL, refused with its reason at `input.url` (platform/outbound-guard.ts). */
async function checkUrl(url: string, policy: OutboundPolicy): Promise<string> {
  try {
    return (await checkOutboundUrl(url, policy)).toString();
  } catch (error) {
    if (!(error instanceof OutboundRefused)) throw error;
    const code =
      error.reason === 'PRIVATE_ADDRESS' || error.reason === 'UNRESOLVABLE_HOST'
        ? WebhooksErrorCode.URL_NOT_ALLOWED
        : WebhooksErrorCode.INVALID_URL;
    throw new DomainError(code, error.message, ['input', 'url']);
  }
}

/** Endpoints: where an app's events go, and the document that makes their payload. */
export class Endpoints {
  constructor(
    private readonly db: DataSource,
    private readonly policy: OutboundPolicy,
  ) {}

  /** Checks the input (the app's existence is the caller's); returns the endpoint and its secret. */
  async create(input: EndpointInput): Promise<{ endpoint: Endpoint; secret: string }> {
    const url = await checkUrl(String(input.url ?? ''), this.policy);
    const topics = [...new Set(input.topics)].filter((t) => t in WEBHOOK_TOPICS);
    if (topics.length === 0)
      throw new DomainError(WebhooksErrorCode.NO_TOPICS, 'Subscribe to at least one topic', [
        'input',
        'topics',
      ]);
    checkDocument(String(input.query ?? ''), topics);
    const secret = newWebhookSecret();
    const [endpoint] = (await this.db.query(
      `INSERT INTO webhooks.endpoint (app_id, url, topics, query, secret)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [input.appId, url, topics.map((t) => WEBHOOK_TOPICS[t].outbox), input.query, secret],
    )) as Endpoint[];
    return { endpoint: this.named(endpoint!), secret };
  }

  /** The app was revoked: its endpoints stop, and what waited for them is dead-lettered. */
  async deactivateApp(tx: EntityManager, appId: string): Promise<void> {
    await tx.query(`UPDATE webhooks.endpoint SET active = false WHERE app_id = $1`, [appId]);
    await tx.query(
      `UPDATE webhooks.delivery SET status = 'DEAD', last_error = 'The app was revoked'
        WHERE status = 'PENDING'
          AND endpoint_id IN (SELECT id FROM webhooks.endpoint WHERE app_id = $1)`,
      [appId],
    );
  }

  /** Whether the delivery's endpoint is active; null for no such delivery. */
  async activeForDelivery(deliveryId: string): Promise<boolean | null> {
    const [row] = (await this.db.query(
      `SELECT e.active FROM webhooks.delivery d JOIN webhooks.endpoint e ON e.id = d.endpoint_id
        WHERE d.id = $1`,
      [deliveryId],
    )) as { active: boolean }[];
    return row ? row.active : null;
  }

  async list(appId: string | null): Promise<Endpoint[]> {
    const rows: Endpoint[] = await this.db.query(
      `SELECT ${COLUMNS} FROM webhooks.endpoint WHERE ($1::uuid IS NULL OR app_id = $1)
        ORDER BY created_at`,
      [appId],
    );
    return rows.map((r) => this.named(r));
  }

  /** Rows keep outbox topic names (what enqueueing matches on); the API shows the enum. */
  private named(row: Endpoint): Endpoint {
    const byOutbox = Object.entries(WEBHOOK_TOPICS);
    const outboxTopics = row.topics as string[];
    return {
      ...row,
      topics: outboxTopics.map(
        (t) => (byOutbox.find(([, v]) => v.outbox === t)?.[0] ?? t) as WebhookTopic,
      ),
    };
  }
}
