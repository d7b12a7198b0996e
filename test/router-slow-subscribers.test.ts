import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { createProduct, createWarehouse } from './support/shop';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { spawnRouterProcess, type RouterProcess } from './support/router-process';

/**
 * Subscribers that never read, on every transport: each is cut off with
 * SUBSCRIBER_TOO_SLOW once more than MAX_UNREAD_BYTES (1 MB) waits for it, and the
 * router, in a process of its own, gives back what it held. Events are stock changes of
 * one SKU whose subscription asks for its ledger twice (~60 kB an event).
 */
let platform: TestPlatform;
let router: RouterProcess;
let warehouse: string;
const SKU = 'SLOW-READER-1';
const REFERENCE = 'delivery note '.repeat(14); // ~200 characters in every ledger row

const LEDGER = Array.from(
  { length: 2 },
  (_, i) =>
    `l${i}: movements(first: 100) { edges { node { id kind onHandDelta reservedDelta reference createdAt } } }`,
).join(' ');
const SUBSCRIPTION = `subscription { inventoryChanged(sku: "${SKU}") { sku onHand ${LEDGER} } }`;

beforeAll(async () => {
  platform = await startTestPlatform('slow-subscribers');
  await createProduct(platform, 'Slow Reader Socks', [{ sku: SKU, price: 900 }]);
  warehouse = await createWarehouse(platform, 'SLOW-1');
  await receive(100); // a ledger of 100 rows before anyone subscribes
  router = await spawnRouterProcess(platform.subgraphUrls, {
    AUTHORIZATION_MODE: 'open',
    RATE_LIMIT: 'off',
    MAX_COST: '100000000',
    LOG_LEVEL: 'warn',
    // The clients of one transport resume reading only once all of them are cut off, which
    // can take longer than the default 10 s grace on a loaded machine (1006, no reason).
    // Request deduplication stays on, as deployed: the subscribers' identical entity
    // fetches for each event are shared, and each is still cut off on its own.
    SLOW_CLIENT_GRACE_MS: '120000',
  });
}, 60_000);

afterAll(async () => {
  await router?.stop();
  await platform?.stop();
});

/** `count` stock receipts of one unit, a few at a time, through the platform's router. */
async function receive(count: number): Promise<void> {
  const one = async () => {
    const { data, errors } = await platform.query(
      `mutation ($input: StockReceiveInput!) { stockReceive(input: $input) { userErrors { code } } }`,
      { input: { sku: SKU, warehouseId: warehouse, quantity: 1, reference: REFERENCE } },
    );
    expect(errors).toBeUndefined();
    expect(data?.stockReceive.userErrors).toEqual([]);
  };
  for (let sent = 0; sent < count; sent += 10)
    await Promise.all(Array.from({ length: Math.min(10, count - sent) }, one));
}

async function until(what: string, condition: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An HTTP streaming client that sends its request, then never reads (until `drain`). */
interface RawClient {
  /** Reads everything the router still sends, until it ends the response or closes. */
  drain(): Promise<string>;
}

function rawHttpStream(path: string, accept: string): RawClient {
  const body = JSON.stringify({ query: SUBSCRIPTION });
  const socket: Socket = connect(router.port, '127.0.0.1');
  socket.pause();
  socket.on('error', () => {}); // a cut-off client may be hung up on
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: router\r\ncontent-type: application/json\r\n` +
      `accept: ${accept}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return {
    drain: () =>
      new Promise((resolve) => {
        let tail = '';
        // Only the end matters (SUBSCRIBER_TOO_SLOW comes last); keep memory flat here too.
        socket.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000)));
        const done = () => resolve(tail);
        socket.once('end', done);
        socket.once('close', done);
        socket.resume();
      }),
  };
}

it('cuts off 10 SSE clients that never read 300 events, and the router gives its memory back', async () => {
  await router.memory(); // the first GC settles what starting left behind
  const before = await router.memory();
  const clients = Array.from({ length: 10 }, () =>
    rawHttpStream('/graphql/stream', 'text/event-stream'),
  );
  await until('10 subscriptions are open', async () => (await router.activeSubscriptions()) === 10);

  await receive(300);
  await until(
    'every slow client is cut off',
    async () => (await router.activeSubscriptions()) === 0,
  );

  const tails = await Promise.all(clients.map((c) => c.drain()));
  for (const tail of tails) {
    expect(tail).toContain('"code":"SUBSCRIBER_TOO_SLOW"');
    expect(tail).toContain('event: complete');
  }
  const after = await router.memory();
  expect(after.rssMiB - before.rssMiB).toBeLessThan(50);
  expect(after.heapUsedMiB - before.heapUsedMiB).toBeLessThan(50);
}, 120_000);

/**
 * Stock receipts, a few at a time, until the router has cut off every subscriber (about
 * 20 events make 1 MB; what the kernel buffers comes on top), at most 300.
 */
async function receiveUntilAllCutOff(): Promise<void> {
  for (let sent = 0; sent < 300 && (await router.activeSubscriptions()) > 0; sent += 5)
    await receive(5);
  await until(
    'every slow client is cut off',
    async () => (await router.activeSubscriptions()) === 0,
  );
}

it('cuts off graphql-ws clients that never read with 4413 SUBSCRIBER_TOO_SLOW', async () => {
  const sockets = await Promise.all(
    Array.from({ length: 3 }, async (_, i) => {
      const socket = new WebSocket(router.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      const messages: string[] = [];
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      socket.on('message', (data) => {
        const text = data.toString();
        messages.push(text.slice(0, 2000));
        if (JSON.parse(text).type === 'connection_ack')
          socket.send(
            JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: SUBSCRIPTION } }),
          );
      });
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      return { socket, messages, closed };
    }),
  );
  await until('3 subscriptions are open', async () => (await router.activeSubscriptions()) === 3);
  for (const { socket } of sockets) socket.pause();

  // The clients read again as soon as all three are cut off: ws itself destroys a socket
  // whose close frame stays unanswered for 30 s (1006, no reason), so this test has no
  // other transport's clients to wait for.
  await receiveUntilAllCutOff();
  for (const { socket } of sockets) socket.resume();
  for (const { closed, messages } of sockets) {
    const { code, reason } = await closed;
    expect({ code, reason }).toEqual({ code: 4413, reason: 'SUBSCRIBER_TOO_SLOW' });
    expect(messages.length).toBeGreaterThan(1);
  }
}, 120_000);

it('cuts off multipart clients that never read with a SUBSCRIBER_TOO_SLOW part', async () => {
  const multipart = Array.from({ length: 3 }, () =>
    rawHttpStream('/graphql', 'multipart/mixed;subscriptionSpec=1.0'),
  );
  await until('3 subscriptions are open', async () => (await router.activeSubscriptions()) === 3);
  await receiveUntilAllCutOff();
  for (const tail of await Promise.all(multipart.map((c) => c.drain()))) {
    expect(tail).toContain('"code":"SUBSCRIBER_TOO_SLOW"');
    // The closing boundary, then the end of the chunked response.
    expect(tail.slice(-40)).toMatch(/--\r\n\r\n0\r\n\r\n$/);
  }
}, 120_000);
