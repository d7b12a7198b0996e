import { randomPortOffset } from '../platform/testing/ports';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../platform/testing/database';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';

/**
 * `npm start` as a user runs it: a separate process, default ports (shifted by
 * PORT_OFFSET so it never meets a copy already running), seeding, Ctrl-C.
 */
let db: TestDatabase;
let child: ChildProcess;
let output = '';
const offset = randomPortOffset();
const mailboxDir = mkdtempSync(join(tmpdir(), 'start-mailbox-'));
let orderId: string;

beforeAll(async () => {
  db = await createTestDatabase('start');
  child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'start.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      PORT_OFFSET: String(offset),
      REDIS_URL: '',
      SMTP_URL: '',
      DEV_MAILBOX_DIR: mailboxDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('router ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await db?.drop();
  rmSync(mailboxDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('prints every URL and seeds the demo shop', () => {
    expect(output).toContain(
      'seeded the demo shop: catalog, inventory, pricing, promotions, fulfillment',
    );
    for (const [name, port] of [
      ['catalog', 4001],
      ['inventory', 4002],
      ['orders', 4003],
      ['payments', 4004],
      ['pricing', 4005],
      ['promotions', 4006],
      ['location', 4008],
      ['fulfillment', 4010],
      ['search', 4011],
      ['notifications', 4013],
      ['reviews', 4014],
      ['loyalty', 4015],
    ] as const) {
      expect(output).toMatch(
        new RegExp(`subgraph ${name}\\s+http://localhost:${port + offset}/graphql`),
      );
    }
    expect(output).toContain(`router ready at http://localhost:${4000 + offset}/graphql`);
  });

  it('answers one query that joins catalog, inventory, orders and payments', async () => {
    const router = `http://127.0.0.1:${4000 + offset}/graphql`;
    const listing = dataOf(
      await postGraphQL(
        router,
        `{ products(first: 20) { edges { node { name variants { id sku availableQuantity } } } } }`,
      ),
    );
    const variant = listing.products.edges
      .flatMap((e: any) => e.node.variants)
      .find((v: any) => v.availableQuantity > 1);
    const cart = dataOf(
      await postGraphQL(
        router,
        `mutation ($v: ID!) { cartCreate(input: { lines: [{ variantId: $v, quantity: 1 }] }) { cart { id } } }`,
        {
          v: variant.id,
        },
      ),
    ).cartCreate.cart;
    const placed = dataOf(
      await postGraphQL(
        router,
        `mutation ($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code } } }`,
        {
          input: {
            cartId: cart.id,
            idempotencyKey: `start-test-${offset}`,
            email: 'ada@example.com',
            shippingAddress: {
              name: 'Ada',
              line1: 'Street 1',
              city: 'Berlin',
              postalCode: '10117',
              country: 'DE',
            },
            payment: { token: 'tok_visa' },
          },
        },
      ),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    orderId = placed.order.id;

    const joined = dataOf(
      await postGraphQL(
        router,
        `query ($order: ID!, $sku: String!) {
          variant(sku: $sku) { sku product { name } availableQuantity inventoryItems { warehouse { code } available } }
          order(id: $order) { status lines { sku variant { availableQuantity } } payments { status } }
        }`,
        { order: placed.order.id, sku: variant.sku },
      ),
    );
    expect(joined.variant.availableQuantity).toBe(variant.availableQuantity - 1);
    expect(joined.variant.inventoryItems.map((i: any) => i.warehouse.code).sort()).toEqual([
      'AMS-1',
      'BER-1',
    ]);
    expect(joined.order).toEqual({
      status: 'PENDING',
      lines: [{ sku: variant.sku, variant: { availableQuantity: variant.availableQuantity - 1 } }],
      payments: [{ status: 'AUTHORIZED' }],
    });
  });

  it('has the demo shop indexed for search: a typo finds wool, with facets', async () => {
    const router = `http://127.0.0.1:${4000 + offset}/graphql`;
    const found = dataOf(
      await postGraphQL(
        router,
        `{ search(query: "wol", first: 3) { totalCount edges { node { product { name } } }
           facets { name values { count } } } }`,
      ),
    ).search;
    expect(found.totalCount).toBeGreaterThan(0);
    expect(found.edges[0].node.product.name).toMatch(/wool/i);
    const categories = found.facets.find((f: any) => f.name === 'category');
    expect(categories.values.length).toBeGreaterThan(0);
  });

  it('mails the confirmation of a captured order to the dev mailbox, readable by staff and as a file', async () => {
    const router = `http://127.0.0.1:${4000 + offset}/graphql`;
    expect(output).toContain(`dev mailbox (SMTP_URL unset): emails in ${mailboxDir}`);
    const captured = dataOf(
      await postGraphQL(
        router,
        `mutation ($id: ID!) { orderCapture(id: $id) { order { status } userErrors { code } } }`,
        { id: orderId },
      ),
    ).orderCapture;
    expect(captured.order.status).toBe('CONFIRMED');
    let mails: { subject: string; text: string; file: string }[] = [];
    for (let i = 0; i < 100 && mails.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      mails = dataOf(
        await postGraphQL(
          router,
          `{ devMailbox(recipient: "ada@example.com") { subject text file } }`,
        ),
      ).devMailbox;
    }
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^Ihre Bestellung #\d+ ist bestätigt$/);
    expect(existsSync(mails[0]!.file)).toBe(true);
    expect(readFileSync(mails[0]!.file, 'utf8')).toContain('To: ada@example.com');
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : null))),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(output).toContain('stopped');
  });
});
