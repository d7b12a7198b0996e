import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { joinHeartbeat, startHeartbeat } from './heartbeat';

describe('startHeartbeat', () => {
  let server: WebSocketServer;
  let stop = () => {};

  beforeEach(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', joinHeartbeat);
    await once(server, 'listening');
    stop = startHeartbeat(server.clients, 100);
  });

  afterEach(async () => {
    stop();
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  const connect = async (options: WebSocket.ClientOptions = {}) => {
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`, options);
    await once(client, 'open');
    return client;
  };

  it('keeps a socket that answers its pings', async () => {
    const client = await connect();
    let pings = 0;
    client.on('ping', () => (pings += 1));
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(client.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it('drops a socket whose peer stopped answering', async () => {
    const client = await connect({ autoPong: false });
    const [code] = (await once(client, 'close')) as [number];
    // Terminated, not closed with a handshake: the peer is presumed gone.
    expect(code).toBe(1006);
  });
});
