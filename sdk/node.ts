import WebSocket from 'ws';
import {
  createCommerceClient as createUniversalClient,
  type CommerceClient,
  type CommerceClientOptions,
} from './client';

export * from './index';

/** createCommerceClient for Node: subscriptions over WebSocket use the `ws` package. */
export function createCommerceClient(options: CommerceClientOptions): CommerceClient {
  return createUniversalClient({ webSocketImpl: WebSocket, ...options });
}
