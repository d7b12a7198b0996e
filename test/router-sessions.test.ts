import { randomUUID } from 'node:crypto';
import { createClient as createSseClient } from 'graphql-sse';
import { createSessionRevocations, type SessionRevocations } from '../platform/auth/revocations';
import { postGraphQL } from '../platform/testing/graphql-client';
import { startTestRedis, type TestRedis } from '../platform/testing/redis';
import { startRouter, type RunningRouter } from '../router/server';
import type { IdentityServices } from '../subgraphs/identity/service';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { connectWs, eventually, type Result } from './support/subscriptions';

/**
 * Sessions on long-lived connections, through the router: a socket or stream outlives
 * neither its token nor its session. Revocations go through Redis, shared by two routers.
 */
let redis: TestRedis;
let platform: TestPlatform;
let second: RunningRouter;
let revocations: SessionRevocations;

const STOCK = `subscription { inventoryChanged(sku: "NOTHING-SESSIONS") { onHand } }`;

beforeAll(async () => {
  redis = await startTestRedis();
  process.env.REDIS_URL = redis.url;
  // Expiry is tested with 2 s tokens: no clock-skew leeway on top of them here.
  process.env.TOKEN_LEEWAY_SECONDS = '0';
  platform = await startTestPlatform('router-sessions');
  second = await startRouter({
    port: 0,
    host: '127.0.0.1',
    supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
    subgraphUrls: platform.subgraphUrls,
    subgraphTimeoutMs: 60_000,
  });
  revocations = createSessionRevocations(redis.url);
});

afterAll(async () => {
  await second?.stop();
  await platform?.stop();
  await revocations?.close();
  await redis?.stop();
  delete process.env.REDIS_URL;
});

/** A real access token from identity's signing keys, for a session of our own. */
async function tokenFor(sid: string, ttlSeconds?: number): Promise<string> {
  const services = platform.subgraphs.identity!.services as IdentityServices;
  const keys = ttlSeconds
    ? Object.assign(Object.create(Object.getPrototypeOf(services.keys)), services.keys, {
        settings: { ...services.keys.settings, accessTokenTtlSeconds: ttlSeconds },
      })
    : services.keys;
  const { token } = await keys.signAccessToken({ sub: randomUUID(), kind: 'customer', sid });
  return token;
}

const revoke = (sid: string) => revocations.revoke(sid, Math.floor(Date.now() / 1000) + 900);

describe('sessions on WebSocket connections', () => {
  it('closes the socket within 5 s of a revocation, and refuses its next operation', async () => {
    const sid = randomUUID();
    const socket = connectWs(platform.router.url, await tokenFor(sid));
    await socket.ready;
    expect((await socket.query('{ __typename }')).data).toEqual({ __typename: 'Query' });

    await revoke(sid);
    await eventually(() => socket.closed() !== null, 5000);
    expect(socket.closed()).toEqual({ code: 4401, reason: 'Session revoked' });
    await expect(socket.query('{ __typename }')).rejects.toBeDefined();
    await socket.client.dispose();
  });

  it('closes the socket on another router instance sharing Redis', async () => {
    const sid = randomUUID();
    const socket = connectWs(second.url, await tokenFor(sid));
    await socket.ready;
    await revoke(sid);
    await eventually(() => socket.closed() !== null, 5000);
    expect(socket.closed()).toEqual({ code: 4401, reason: 'Session revoked' });
    await socket.client.dispose();
  });

  it('refuses connection_init for a session already revoked', async () => {
    const sid = randomUUID();
    const token = await tokenFor(sid);
    await revoke(sid);
    const socket = connectWs(platform.router.url, token);
    await expect(socket.ready).rejects.toThrow(/closed 4403/);
    await socket.client.dispose();
  });

  it('closes the socket when the access token expires, however quiet it is', async () => {
    const socket = connectWs(platform.router.url, await tokenFor(randomUUID(), 2));
    await socket.ready;
    await eventually(() => socket.closed() !== null, 5000);
    expect(socket.closed()).toEqual({ code: 4401, reason: 'Access token expired' });
    await socket.client.dispose();
  });
});

describe('sessions on HTTP', () => {
  it('refuses a token whose session is revoked with 401 UNAUTHENTICATED', async () => {
    const sid = randomUUID();
    const headers = { authorization: `Bearer ${await tokenFor(sid)}` };
    const before = await postGraphQL(second.url, '{ __typename }', {}, { headers });
    expect(before.status).toBe(200);
    await revoke(sid);
    const after = await postGraphQL(second.url, '{ __typename }', {}, { headers });
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('ends an SSE stream with an UNAUTHENTICATED event when the session is revoked', async () => {
    const sid = randomUUID();
    const client = createSseClient({
      url: `${platform.router.url}/stream`,
      headers: { authorization: `Bearer ${await tokenFor(sid)}` },
      retryAttempts: 0,
    });
    const events: Result[] = [];
    const done = new Promise<void>((resolve) =>
      client.subscribe(
        { query: STOCK },
        { next: (r) => void events.push(r as Result), error: () => resolve(), complete: resolve },
      ),
    );
    await eventually(() => platform.router.activeSubscriptions() > 0, 5000);
    await revoke(sid);
    await withTimeout(done, 5000);
    expect(events.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    client.dispose();
  });

  it('ends a multipart stream with an UNAUTHENTICATED part when the session is revoked', async () => {
    const sid = randomUUID();
    const response = await fetch(platform.router.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;subscriptionSpec=1.0',
        authorization: `Bearer ${await tokenFor(sid)}`,
      },
      body: JSON.stringify({ query: STOCK }),
    });
    expect(response.status).toBe(200);
    const body = response.text();
    await revoke(sid);
    const text = await withTimeout(body, 5000);
    expect(text).toContain('"code":"UNAUTHENTICATED"');
    expect(text.trimEnd().endsWith('--graphql--')).toBe(true);
  });
});

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
