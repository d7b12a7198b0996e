import { createServer, type Server } from 'node:net';
import { AppCreateDocument, WebhookCreateDocument, WebhookDeliveriesDocument } from '../sdk';
import { dataOf } from '../platform/testing/graphql-client';
import type { WebhooksServices } from '../subgraphs/webhooks';
import { bootstrapAdmin, callerOf, staffToken } from './support/accounts';
import { startTestPlatform, type TestPlatform } from './support/platform';

/**
 * Endpoint URLs are the merchant's choice, so they must not reach inside our network
 * (SSRF): as deployed (no WEBHOOKS_ALLOW_* settings), http, credentials in the URL and
 * non-public addresses are refused at registration with a userError at input.url, and a
 * name that resolves inward by the time of delivery (DNS rebinding) is refused at connect.
 */
const ADMIN = { email: 'outbound-root@shop.test', password: 'correct horse battery staple' };
const DOCUMENT = `query ($productId: ID!) { product(id: $productId) { id name } }`;
let platform: TestPlatform;
let admin: ReturnType<typeof callerOf>;
let appId: string;
let inside: Server;
let insideConnections = 0;

let clearAdmin = (): void => {};
beforeAll(async () => {
  clearAdmin = bootstrapAdmin(ADMIN);
  delete process.env.WEBHOOKS_ALLOW_PRIVATE_NETWORKS;
  delete process.env.WEBHOOKS_ALLOW_HTTP;
  platform = await startTestPlatform('webhooks-outbound', { authorization: 'enforced' });
  const as = (token: string | null) => callerOf(() => platform.router.url, token);
  admin = as(await staffToken(as(null), ADMIN.email, ADMIN.password));
  const app = dataOf(
    await admin(AppCreateDocument, { input: { name: 'Feed', permissions: ['catalog:write'] } }),
  ).appCreate;
  appId = app.app!.id;
  // A service inside the network, as a metadata endpoint or an admin port would be.
  inside = createServer((socket) => {
    insideConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => inside.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  clearAdmin();
  inside?.close();
  await platform?.stop();
});

const register = async (url: string) =>
  dataOf(
    await admin(WebhookCreateDocument, {
      input: { appId, url, topics: ['PRODUCT_CHANGED'], query: DOCUMENT },
    }),
  ).webhookCreate;

describe('webhook endpoint addresses', () => {
  it.each([
    ['http://93.184.215.14/hook', 'INVALID_URL', /must be https/],
    ['https://user:secret@93.184.215.14/hook', 'INVALID_URL', /user or password/],
    ['https://127.0.0.1:8080/hook', 'URL_NOT_ALLOWED', /not a public address/],
    ['https://169.254.169.254/latest/meta-data/', 'URL_NOT_ALLOWED', /not a public address/],
    ['https://10.1.2.3/hook', 'URL_NOT_ALLOWED', /not a public address/],
    ['https://[::1]/hook', 'URL_NOT_ALLOWED', /not a public address/],
    ['https://[::ffff:192.168.0.10]/hook', 'URL_NOT_ALLOWED', /not a public address/],
    ['https://100.64.0.1/hook', 'URL_NOT_ALLOWED', /not a public address/],
    ['https://localhost:8080/hook', 'URL_NOT_ALLOWED', /resolves to .*not public/],
    ['https://no-such-host.invalid/hook', 'URL_NOT_ALLOWED', /does not resolve/],
  ])('refuses %s with %s at input.url', async (url, code, message) => {
    const created = await register(url);
    expect(created.endpoint).toBeNull();
    expect(created.secret).toBeNull();
    expect(created.userErrors).toEqual([
      expect.objectContaining({
        code,
        field: ['input', 'url'],
        message: expect.stringMatching(message),
      }),
    ]);
  });

  it('accepts a public https address, and nothing refused was stored', async () => {
    const created = await register('https://93.184.215.14/hooks/catalog');
    expect(created.userErrors).toEqual([]);
    expect(created.endpoint).toMatchObject({ url: 'https://93.184.215.14/hooks/catalog' });
    const rows = await platform.subgraphs.webhooks!.dataSource.query(
      `SELECT url FROM webhooks.endpoint`,
    );
    expect(rows).toEqual([{ url: 'https://93.184.215.14/hooks/catalog' }]);
  });

  it('refuses at connect a name that resolves inward by delivery time, and the ledger says why', async () => {
    const port = (inside.address() as { port: number }).port;
    // As if `localhost` had resolved to a public address when it was registered.
    const db = platform.subgraphs.webhooks!.dataSource;
    const [endpoint] = await db.query(
      `INSERT INTO webhooks.endpoint (app_id, url, topics, query, secret)
       VALUES ($1, $2, ARRAY['catalog.product.changed'], $3, 'whsec_dGVzdHRlc3R0ZXN0dGVzdA==')
       RETURNING id`,
      [appId, `https://localhost:${port}/hook`, DOCUMENT],
    );
    const { webhooks } = platform.subgraphs.webhooks!.services as WebhooksServices;
    await db.transaction((tx) =>
      webhooks.queue.enqueue(tx, crypto.randomUUID(), 'catalog.product.changed', {
        productId: crypto.randomUUID(),
      }),
    );
    // The document's payload is beside the point here: the connection is.
    await db.query(`UPDATE webhooks.delivery SET payload = '{}' WHERE endpoint_id = $1`, [
      endpoint.id,
    ]);
    expect(await webhooks.sender.sendDue()).toBe(0);
    expect(insideConnections).toBe(0);
    const ledger = dataOf(
      await admin(WebhookDeliveriesDocument, { endpointId: endpoint.id }),
    ).webhookDeliveries.edges.map((e: { node: Record<string, unknown> }) => e.node);
    expect(ledger).toEqual([
      expect.objectContaining({
        status: 'PENDING',
        attempts: 1,
        responseStatus: null,
        lastError: expect.stringMatching(/localhost resolves to (127\.0\.0\.1|::1), not public/),
      }),
    ]);
  });
});
