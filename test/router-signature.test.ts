import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { decodeJwt } from 'jose';
import WebSocket, { WebSocketServer } from 'ws';
import {
  IDENTITY_HEADER,
  SIGNATURE_HEADER,
  signIdentity,
  subscribeSignatureBody,
  verifyIdentity,
} from '../platform/identity';
import { startRouter, type RunningRouter } from '../router/server';
import type { IdentityServices } from '../subgraphs/identity/service';
import { startTestPlatform, type TestPlatform } from './support/platform';

/**
 * The router's signature covers the viewer, the subgraph it is meant for and the request
 * body, and expires in seconds: a header captured on one call is useless for any other.
 */
let platform: TestPlatform;
let capturing: RunningRouter;
let recorder: http.Server;
const captured: { headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  platform = await startTestPlatform('router-signature');
  // Stands in for identity and keeps what the router sent it, as an eavesdropper would.
  recorder = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      captured.push({ headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { me: null } }));
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/graphql`;
  capturing = await startRouter({
    port: 0,
    host: '127.0.0.1',
    supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
    subgraphUrls: { ...platform.subgraphUrls, identity: recorderUrl },
    subgraphTimeoutMs: 60_000,
  });
});

afterAll(async () => {
  await capturing?.stop();
  recorder?.close();
  await platform?.stop();
});

async function capture(): Promise<{ headers: Record<string, string>; body: string }> {
  const response = await fetch(capturing.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  expect(response.status).toBe(200);
  const { headers, body } = captured.at(-1)!;
  return {
    headers: {
      'content-type': 'application/json',
      [IDENTITY_HEADER]: String(headers[IDENTITY_HEADER]),
      [SIGNATURE_HEADER]: String(headers[SIGNATURE_HEADER]),
    },
    body,
  };
}

const post = (url: string, headers: Record<string, string>, body: string) =>
  fetch(url, { method: 'POST', headers, body });

describe('signatures bound to the subgraph and the body', () => {
  it('accepts a captured signature only where and for what it was made', async () => {
    const { headers, body } = await capture();
    // The same call to the subgraph it was meant for: accepted (it is a real signature).
    expect((await post(platform.subgraphUrls.identity!, headers, body)).status).toBe(200);
    // Replayed to another subgraph: refused.
    const orders = await post(platform.subgraphUrls.orders!, headers, body);
    expect(orders.status).toBe(401);
    expect(((await orders.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // With another body to the same subgraph: refused.
    const other = JSON.stringify({ query: '{ staffUsers(first: 100) { totalCount } }' });
    expect((await post(platform.subgraphUrls.identity!, headers, other)).status).toBe(401);
  });

  it('expires a signature after its short lifetime', () => {
    const body = '{"query":"{ me { id } }"}';
    const headers = signIdentity({ kind: 'anonymous' }, { audience: 'identity', body });
    expect(verifyIdentity(headers, { audience: 'identity', body })).toEqual({ kind: 'anonymous' });
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      expect(verifyIdentity(headers, { audience: 'identity', body })).toBeNull();
    } finally {
      later.mockRestore();
    }
  });

  it('refuses a subscribe message whose signature was made for another operation', async () => {
    const client = createClient({
      url: platform.subgraphUrls.inventory!.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: () =>
        signIdentity({ kind: 'service', service: 'router' }, { audience: 'inventory', body: '' }),
      retryAttempts: 0,
    });
    const query = 'subscription { inventoryChanged(sku: "SIG-1") { onHand } }';
    const signedFor = subscribeSignatureBody({
      query: 'subscription { inventoryChanged(sku: "SIG-2") { onHand } }',
      operationName: null,
      variables: {},
    });
    const extensions = signIdentity(
      { kind: 'staff', staffId: 'x', permissions: ['inventory:manage'] },
      { audience: 'inventory', body: signedFor, ttlSeconds: null },
    );
    const outcome = await new Promise<unknown>((resolve) =>
      client.subscribe(
        { query, extensions },
        { next: () => {}, error: (error) => resolve(error), complete: () => resolve('complete') },
      ),
    );
    expect(JSON.stringify(outcome)).toContain('UNAUTHENTICATED');
    await client.dispose();
  });

  it("signs a signed-in subscriber's subscribe message only for its token's lifetime", async () => {
    // Stands in for inventory's WebSocket endpoint and keeps the subscribe message.
    const wsRecorder = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const subscribed = new Promise<Record<string, string>>((resolve) =>
      wsRecorder.on('connection', (socket) =>
        socket.on('message', (data) => {
          const message = JSON.parse(data.toString());
          if (message.type === 'connection_init')
            socket.send(JSON.stringify({ type: 'connection_ack' }));
          if (message.type === 'subscribe') resolve(message.payload.extensions);
        }),
      ),
    );
    await new Promise((resolve) => wsRecorder.once('listening', resolve));
    const port = (wsRecorder.address() as AddressInfo).port;
    const router = await startRouter({
      port: 0,
      host: '127.0.0.1',
      supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
      subgraphUrls: { ...platform.subgraphUrls, inventory: `http://127.0.0.1:${port}/graphql` },
      subgraphTimeoutMs: 60_000,
    });
    const keys = (platform.subgraphs.identity!.services as IdentityServices).keys;
    const { token } = await keys.signAccessToken({
      sub: randomUUID(),
      kind: 'customer',
      sid: randomUUID(),
    });
    const client = createClient({
      url: router.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    try {
      client.subscribe(
        { query: 'subscription { inventoryChanged(sku: "SIG-3") { onHand } }' },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
      const extensions = await subscribed;
      const signed = JSON.parse(Buffer.from(extensions[IDENTITY_HEADER]!, 'base64url').toString());
      // Not forever: a captured subscribe message is useless once the token has expired.
      expect(signed.exp).toEqual(expect.any(Number));
      expect(Math.abs(signed.exp - decodeJwt(token).exp!)).toBeLessThanOrEqual(120);
      expect(signed.aud).toBe('inventory');
    } finally {
      await client.dispose();
      await router.stop();
      wsRecorder.close();
    }
  });
});
