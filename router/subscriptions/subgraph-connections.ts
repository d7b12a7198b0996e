import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signIdentity } from '../../platform/identity';

/**
 * One graphql-ws connection per subgraph, shared by every client subscription that
 * subgraph serves. The connection is signed as the router; each subscription carries its
 * subscriber's signed identity. A lost connection is retried with exponential backoff
 * and its subscriptions re-opened (each starts again from the current state); only when
 * the retries run out do the subscriptions end with an error.
 */
export class SubgraphConnections {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly httpUrls: Record<string, string>,
    private readonly retryAttempts: number,
  ) {}

  client(subgraph: string): Client {
    let client = this.clients.get(subgraph);
    if (!client) {
      const url = this.httpUrls[subgraph];
      if (!url) throw new Error(`No URL for subgraph ${subgraph}`);
      client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        lazy: true,
        lazyCloseTimeout: 0,
        keepAlive: 10_000,
        connectionParams: () =>
          signIdentity({ kind: 'service', service: 'router' }, { audience: subgraph, body: '' }),
        retryAttempts: this.retryAttempts,
        shouldRetry: () => true,
        retryWait: (retries) =>
          new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** retries, 5000))),
      });
      this.clients.set(subgraph, client);
    }
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.dispose()));
    this.clients.clear();
  }
}
