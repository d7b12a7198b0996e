import { signIdentity } from './identity';

/** A fellow subgraph did not answer, or answered with an error it did not mean for us. */
export class UpstreamError extends Error {
  constructor(
    readonly service: string,
    message: string,
  ) {
    super(`${service}: ${message}`);
    this.name = 'UpstreamError';
  }
}

export interface ServiceClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/**
 * Calls another subgraph directly (not through the router), signed as a platform
 * service. Used only where one domain must make another act, as checkout does.
 */
export function createServiceClient(
  caller: string,
  service: string,
  url: string | undefined,
  timeoutMs = Number(process.env.SERVICE_TIMEOUT_MS ?? 10000),
): ServiceClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      if (!url) throw new UpstreamError(service, 'no URL configured');
      let response: Response;
      const requestBody = JSON.stringify({ query, variables });
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            // Signed for the callee and this body only.
            ...signIdentity(
              { kind: 'service', service: caller },
              { audience: service, body: requestBody },
            ),
          },
          body: requestBody,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new UpstreamError(service, (error as Error).message);
      }
      const body = (await response.json().catch(() => null)) as {
        data?: T;
        errors?: { message: string }[];
      } | null;
      if (!body || body.errors?.length || !body.data) {
        const reason = body?.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`;
        throw new UpstreamError(service, reason);
      }
      return body.data;
    },
  };
}
