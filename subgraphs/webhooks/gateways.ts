import { DomainError } from '../../platform/errors';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import { WebhooksErrorCode } from './errors';
import { WebhookAppTokenDocument } from './generated/clients/identity';

/**
 * Identity, asked (typed, signed as this service) for an access token of an app. Tokens
 * are cached per app until shortly before they expire: one call per app and token life,
 * not per delivery.
 */
export class IdentityGateway {
  private client: ServiceClient | null = null;
  private readonly tokens = new Map<string, { token: string; until: number }>();

  constructor(private readonly urls: SubgraphUrls) {}

  /** Throws UNKNOWN_APP when identity has no live app of this id. */
  async appToken(appId: string): Promise<string> {
    const cached = this.tokens.get(appId);
    if (cached && cached.until > Date.now()) return cached.token;
    // The URL map fills as subgraphs start: look it up at the call, not at construction.
    this.client ??= createServiceClient('webhooks', 'identity', this.urls.identity);
    const { appAccessToken: answer } = await this.client.execute(WebhookAppTokenDocument, {
      appId,
    });
    if (!answer.accessToken)
      throw new DomainError(WebhooksErrorCode.UNKNOWN_APP, 'No such app', ['input', 'appId']);
    const lifeMs = (answer.expiresIn ?? 60) * 1000;
    this.tokens.set(appId, { token: answer.accessToken, until: Date.now() + lifeMs / 2 });
    return answer.accessToken;
  }
}

/** Posts a document to the router as the app, as any client would. */
export async function resolveThroughRouter(
  routerUrl: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs: number,
): Promise<string> {
  const response = await fetch(routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  // An answer with GraphQL errors (a field the app may not read) is still the payload.
  if (!response.ok) throw new Error(`The router answered HTTP ${response.status}`);
  return text;
}
