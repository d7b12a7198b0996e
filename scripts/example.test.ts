import { randomPortOffset } from '../platform/testing/ports';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createCommerceClient,
  InventoryChangedDocument,
  ProductBySlugDocument,
  ProductsDocument,
} from '../sdk/node';
import { createTestDatabase, type TestDatabase } from '../platform/testing/database';

/**
 * `npm run example` against `npm start`, both as a user runs them: the platform in its own
 * process (fresh database, ports shifted by PORT_OFFSET), the example in another, using
 * nothing but the SDK.
 */
let db: TestDatabase;
let platform: ChildProcess;
let platformOutput = '';
const offset = randomPortOffset();
const root = join(__dirname, '..');

function run(
  command: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  db = await createTestDatabase('example');
  platform = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'start.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url, PORT_OFFSET: String(offset), REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  platform.stdout!.on('data', (chunk) => (platformOutput += chunk));
  platform.stderr!.on('data', (chunk) => (platformOutput += chunk));
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (platformOutput.includes('router ready')) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > 75_000) {
        clearInterval(timer);
        reject(new Error(`npm start did not get ready in 75 s:\n${platformOutput}`));
      }
    }, 100);
    platform.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${platformOutput}`));
    });
  });
}, 90_000);

afterAll(async () => {
  if (platform && platform.exitCode === null) {
    // Ctrl-C, as a user stops it; SIGKILL if it has not stopped within 10 s.
    const exited = new Promise((resolve) => platform.once('exit', resolve));
    platform.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
    if (platform.exitCode === null && platform.signalCode === null) platform.kill('SIGKILL');
  }
  await db?.drop();
});

describe('npm run example', () => {
  it('browses, checks out and follows the order to DELIVERED using only the SDK', async () => {
    const { code, output } = await run(
      ['--import', 'tsx', join(root, 'examples', 'storefront.ts')],
      {
        ...process.env,
        COMMERCE_URL: `http://127.0.0.1:${4000 + offset}/graphql`,
        EXAMPLE_TIMEOUT_MS: '45000',
      },
    );
    if (code !== 0) throw new Error(`the example exited with ${code}:\n${output}`);
    expect(output).toMatch(/^browse: \d+ products/m);
    expect(output).toMatch(/^product: .+ at .+, \d+ available$/m);
    expect(output).toMatch(/^cart: 1 item\(s\), subtotal .+, total .+$/m);
    expect(output).toMatch(/^checkout: order #\d+ placed/m);
    const states = [...output.matchAll(/^state: (\w+)/gm)].map((match) => match[1]);
    expect(states).toEqual(['PENDING', 'CONFIRMED', 'FULFILLED', 'DELIVERED']);
    expect(output).toMatch(/payment CAPTURED/);
    expect(output).toContain('done: PENDING → CONFIRMED → FULFILLED → DELIVERED');
  });

  it('persisted queries, SSE subscriptions and a refused WebSocket token work against the router', async () => {
    const url = `http://127.0.0.1:${4000 + offset}/graphql`;
    const sent: boolean[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      sent.push(JSON.parse(String(init?.body)).query !== undefined);
      return fetch(input, init);
    };
    let token: string | null = 'not-a-jwt';
    const client = createCommerceClient({
      url,
      fetch: fetchSpy,
      persistedQueries: true,
      getToken: () => token,
      refresh: () => {
        token = null; // anonymous is fine for these operations
      },
    });
    const sse = createCommerceClient({ url, subscriptionTransport: 'sse' });
    try {
      const first = await client.request(ProductsDocument, { first: 1 });
      const again = await client.request(ProductsDocument, { first: 1 });
      expect(again).toEqual(first);
      // refused token → refresh → hash (unknown) → text → hash only
      expect(sent).toEqual([false, false, true, false]);

      const { product } = await sse.request(ProductBySlugDocument, {
        slug: first.products.edges[0]!.node.slug,
      });
      const stockSku = product!.variants[0]!.sku;
      token = 'not-a-jwt'; // the WebSocket is refused (4403), refreshed once, then opens
      for (const subscriber of [client, sse]) {
        for await (const { inventoryChanged } of subscriber.subscribe(InventoryChangedDocument, {
          sku: stockSku,
        })) {
          expect(inventoryChanged.sku).toBe(stockSku);
          expect(inventoryChanged.available).toBeGreaterThanOrEqual(0);
          break;
        }
      }
      expect(token).toBeNull();
    } finally {
      await Promise.all([client.close(), sse.close()]);
    }
  });
});
