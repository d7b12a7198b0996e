import { once } from 'node:events';
import WebSocket from 'ws';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct, createWarehouse, receiveStock } from './support/shop';
import { eventually } from './support/subscriptions';

/**
 * The router's graphql-transport-ws server (router/subscriptions/ws-server.ts) spoken to
 * message by message: subscriptions run in the router's own lean path, everything else in
 * graphql-ws's, and the two keep one protocol (ids, close codes, errors, completion).
 */
let platform: TestPlatform;

const SKUS = ['WS-1', 'WS-2', 'WS-a', 'WS-b'];

beforeAll(async () => {
  platform = await startTestPlatform('ws-protocol');
  // A SKU's live stock starts with its items: these have some.
  await createProduct(
    platform,
    'Socket Lamp',
    SKUS.map((sku) => ({ sku, price: 1000 })),
  );
  const warehouse = await createWarehouse(platform, 'WS-W');
  for (const sku of SKUS) await receiveStock(platform, sku, warehouse, 1);
});

afterAll(async () => {
  await platform?.stop();
});

const LIVE = 'subscription ($sku: String!) { stockAvailabilityChanged(sku: $sku) { sku } }';

class RawSocket {
  readonly messages: Record<string, any>[] = [];
  private waiters: (() => void)[] = [];
  readonly socket: WebSocket;
  readonly closed: Promise<[number, Buffer]>;

  constructor() {
    this.socket = new WebSocket(platform.router.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    this.closed = once(this.socket, 'close') as Promise<[number, Buffer]>;
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async open(): Promise<void> {
    await once(this.socket, 'open');
    this.send({ type: 'connection_init', payload: {} });
    await this.next((m) => m.type === 'connection_ack');
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message (from the start) that `match` accepts, waiting for it if need be. */
  async next(match: (message: Record<string, any>) => boolean): Promise<Record<string, any>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no such message');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}

it('runs a query and a subscription side by side on one socket, each under its own id', async () => {
  const raw = new RawSocket();
  await raw.open();
  raw.send({ id: 's1', type: 'subscribe', payload: { query: LIVE, variables: { sku: 'WS-1' } } });
  raw.send({ id: 'q1', type: 'subscribe', payload: { query: '{ __typename }' } });
  expect(await raw.next((m) => m.id === 'q1' && m.type === 'next')).toMatchObject({
    payload: { data: { __typename: 'Query' } },
  });
  await raw.next((m) => m.id === 'q1' && m.type === 'complete');
  expect(await raw.next((m) => m.id === 's1' && m.type === 'next')).toMatchObject({
    payload: { data: { stockAvailabilityChanged: { sku: 'WS-1' } } },
  });
  // The client completes it: the router ends the stream and says nothing more for it.
  raw.send({ id: 's1', type: 'complete' });
  await eventually(() => platform.router.activeSubscriptions() === 0);
  expect(raw.messages.filter((m) => m.id === 's1' && m.type !== 'next')).toEqual([]);
  raw.socket.close();
});

it('closes with 4409 when an id is taken by an open subscription', async () => {
  const raw = new RawSocket();
  await raw.open();
  const subscribe = {
    id: 'dup',
    type: 'subscribe',
    payload: { query: LIVE, variables: { sku: 'WS-2' } },
  };
  raw.send(subscribe);
  await raw.next((m) => m.id === 'dup' && m.type === 'next');
  raw.send({ ...subscribe, payload: { query: '{ __typename }' } });
  const [code, reason] = await raw.closed;
  expect(code).toBe(4409);
  expect(String(reason)).toBe('Subscriber for dup already exists');
  await eventually(() => platform.router.activeSubscriptions() === 0);
});

it('answers an invalid subscription with an error message for its id, and the socket stays open', async () => {
  const raw = new RawSocket();
  await raw.open();
  raw.send({ id: 'bad', type: 'subscribe', payload: { query: 'subscription { nope }' } });
  const error = await raw.next((m) => m.id === 'bad');
  expect(error.type).toBe('error');
  expect(error.payload[0].message).toMatch(/nope/);
  raw.send({ id: 'ok', type: 'subscribe', payload: { query: '{ __typename }' } });
  await raw.next((m) => m.id === 'ok' && m.type === 'complete');
  expect(raw.socket.readyState).toBe(WebSocket.OPEN);
  raw.socket.close();
});

it('refuses a subscribe before the connection is acknowledged with 4401', async () => {
  const raw = new RawSocket();
  await once(raw.socket, 'open');
  raw.send({ id: 'early', type: 'subscribe', payload: { query: LIVE, variables: { sku: 'X' } } });
  const [code] = await raw.closed;
  expect(code).toBe(4401);
});

it('ends open subscriptions when the socket goes away', async () => {
  const raw = new RawSocket();
  await raw.open();
  for (const id of ['a', 'b'])
    raw.send({ id, type: 'subscribe', payload: { query: LIVE, variables: { sku: `WS-${id}` } } });
  await raw.next((m) => m.id === 'b' && m.type === 'next');
  expect(platform.router.activeSubscriptions()).toBe(2);
  raw.socket.terminate();
  await eventually(() => platform.router.activeSubscriptions() === 0);
});
