import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort } from '../platform/testing/ports';
import { createProduct, createWarehouse, receiveStock } from './support/shop';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { routerProcessEnv } from './support/router-process';

/**
 * SIGTERM to a router, as Kubernetes sends it before replacing a pod: `router/main.ts` in
 * its own process tells every subscriber to go elsewhere (WebSocket 1012, SSE and
 * multipart a ROUTER_RESTARTING result after what was queued), finishes the request in
 * flight, refuses new connections and exits 0.
 */
let platform: TestPlatform;
let router: ChildProcess;
let port: number;
let output = '';
let warehouse: string;
const SKU = 'SHUTDOWN-1';
const SUBSCRIPTION = `subscription { inventoryChanged(sku: "${SKU}") { sku onHand } }`;

beforeAll(async () => {
  platform = await startTestPlatform('router-shutdown');
  await createProduct(platform, 'Shutdown Socks', [{ sku: SKU, price: 900 }]);
  warehouse = await createWarehouse(platform, 'SHUT-1');
  port = await freePort();
  router = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'router', 'main.ts')],
    {
      env: routerProcessEnv(port, platform.subgraphUrls, {
        AUTHORIZATION_MODE: 'open',
        RATE_LIMIT: 'off',
        LOG_LEVEL: 'info',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  router.stdout!.on('data', (chunk) => (output += chunk));
  router.stderr!.on('data', (chunk) => (output += chunk));
  await until('the router is ready', () => output.includes('router ready'), 60_000);
}, 90_000);

afterAll(async () => {
  if (router?.exitCode === null) router.kill('SIGKILL');
  await platform?.stop();
});

async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A raw HTTP client: what the router sends is collected; `write` sends more of the request. */
function rawRequest(head: string): {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
} {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  return { socket, received: () => received, closed };
}

function post(path: string, accept: string, body: string, sendBytes = Buffer.byteLength(body)) {
  const client = rawRequest(
    `POST ${path} HTTP/1.1\r\nHost: router\r\ncontent-type: application/json\r\naccept: ${accept}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, sendBytes)}`,
  );
  return { ...client, rest: () => client.socket.write(body.slice(sendBytes)) };
}

it('drains on SIGTERM: subscribers told to reconnect, the request in flight answered, then exit 0', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
  const wsEvents: string[] = [];
  const wsClosed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === 'connection_ack')
      ws.send(JSON.stringify({ id: 's1', type: 'subscribe', payload: { query: SUBSCRIPTION } }));
    if (message.type === 'next') wsEvents.push(data.toString());
  });
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  const sse = post('/graphql/stream', 'text/event-stream', JSON.stringify({ query: SUBSCRIPTION }));
  const multipart = post(
    '/graphql',
    'multipart/mixed;subscriptionSpec=1.0',
    JSON.stringify({ query: SUBSCRIPTION }),
  );
  await until('every transport carries a stock change', async () => {
    if (
      wsEvents.length &&
      sse.received().includes('"onHand"') &&
      multipart.received().includes('"onHand"')
    )
      return true;
    await receiveStock(platform, SKU, warehouse, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return false;
  });

  // A query whose body is still arriving when the signal comes: it must still be answered.
  const query = JSON.stringify({ query: '{ products(first: 50) { edges { node { name } } } }' });
  const inFlight = post('/graphql', 'application/json', query, 10);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const exited = new Promise<number | null>((resolve) => router.once('exit', resolve));
  router.kill('SIGTERM');

  expect(await wsClosed).toEqual({ code: 1012, reason: 'ROUTER_RESTARTING' });
  await until('the SSE stream ends', () => sse.received().includes('event: complete'));
  expect(sse.received()).toContain('"code":"ROUTER_RESTARTING"');
  await until('the multipart stream ends', () => /--\r\n\r\n0\r\n\r\n$/.test(multipart.received()));
  expect(multipart.received()).toContain('"code":"ROUTER_RESTARTING"');

  // New connections are refused while the request in flight is still served.
  const refused = await new Promise<boolean>((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => (probe.destroy(), resolve(false)));
    probe.once('error', () => resolve(true));
  });
  expect(refused).toBe(true);
  inFlight.rest();
  await until('the request in flight is answered', () => inFlight.received().includes('"data"'));
  expect(inFlight.received()).toMatch(/^HTTP\/1\.1 200/);
  expect(inFlight.received()).toContain('"name":"Shutdown Socks"');

  expect(await exited).toBe(0);
  expect(output).toMatch(/router draining.*"streams":2.*"webSockets":1/);
}, 90_000);
