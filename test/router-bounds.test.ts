import { connect } from 'node:net';
import WebSocket from 'ws';
import { startRouter, type RunningRouter } from '../router/server';
import { startTestPlatform, type TestPlatform } from './support/platform';

/** Resource bounds of the router's own sockets: oversized messages and trickling clients. */
let platform: TestPlatform;
let router: RunningRouter;

beforeAll(async () => {
  platform = await startTestPlatform('router-bounds');
  router = await startRouter({
    port: 0,
    host: '127.0.0.1',
    supergraphPath: `${__dirname}/../schema/supergraph.graphql`,
    subgraphUrls: platform.subgraphUrls,
    subgraphTimeoutMs: 60_000,
    http: {
      headersTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      keepAliveTimeoutMs: 1000,
      checkIntervalMs: 250,
    },
  });
});

afterAll(async () => {
  await router?.stop();
  await platform?.stop();
});

it('refuses a WebSocket message larger than the body limit before parsing it (1009)', async () => {
  const socket = new WebSocket(router.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  await new Promise((resolve) => socket.once('open', resolve));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(2_000_000) } }));
  expect(await closed).toBe(1009);
});

it('closes a client that trickles its headers', async () => {
  const socket = connect(router.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('POST /graphql HTTP/1.1\r\nHost: router\r\n');
  socket.on('error', () => {}); // the router hangs up on it: that is the point
  const trickle = setInterval(() => {
    if (socket.writable) socket.write('X-Slow: 1\r\n');
  }, 200);
  const started = Date.now();
  await new Promise((resolve) => socket.once('close', resolve));
  clearInterval(trickle);
  expect(Date.now() - started).toBeLessThan(5000);
});

it('closes a client that trickles its body', async () => {
  const socket = connect(router.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  // Complete headers, then a body promised at 100 kB and sent a byte at a time.
  socket.write(
    'POST /graphql HTTP/1.1\r\nHost: router\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
  );
  socket.on('error', () => {});
  const trickle = setInterval(() => {
    if (socket.writable) socket.write(' ');
  }, 200);
  const started = Date.now();
  await new Promise((resolve) => socket.once('close', resolve));
  clearInterval(trickle);
  // requestTimeoutMs is 2 s here; Node's own default would wait 300 s.
  expect(Date.now() - started).toBeLessThan(5000);
});

it('closes an idle keep-alive connection', async () => {
  const socket = connect(router.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('error', () => {});
  const answered = new Promise<number>((resolve) => socket.once('data', () => resolve(Date.now())));
  socket.write('GET /health HTTP/1.1\r\nHost: router\r\nConnection: keep-alive\r\n\r\n');
  const at = await answered;
  await new Promise((resolve) => socket.once('close', resolve));
  // keepAliveTimeoutMs is 1 s here; Node's own default keeps it 5 s.
  expect(Date.now() - at).toBeLessThan(3500);
});
