import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { dataOf } from '../../platform/testing/graphql-client';
import { comparePositions } from '../../platform/events/transport';
import {
  CHECKOUT,
  cartWith,
  checkoutInput,
  createProduct,
  createWarehouse,
  receiveStock,
} from './shop';
import type { TestPlatform } from './platform';
import { subgraphs } from '../../subgraphs/registry';

/**
 * What the durable-events tests share: orders to change, subscribers that note every
 * frame and resume elsewhere with their last event id, and the truth to compare with
 * (every outbox row announcing a change of the order).
 */
export const ORDER_UPDATED = `subscription ($id: ID!) { orderUpdated(id: $id) { id status } }`;

/** Schemas whose outbox announces changes of an order (`order.updated.<id>`). */
const ORDER_ANNOUNCERS = ['orders', 'payments', 'fulfillment', 'shipping'];

export async function placeOrders(
  platform: TestPlatform,
  count: number,
  prefix: string,
): Promise<string[]> {
  const sku = `${prefix}-1`;
  const product = await createProduct(platform, `${prefix} socks`, [{ sku, price: 2500 }]);
  const warehouse = await createWarehouse(platform, prefix);
  await receiveStock(platform, sku, warehouse, count * 2);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const cart = await cartWith(platform, [{ variantId: product.variants[0]!.id, quantity: 1 }]);
    const data = dataOf(
      await platform.query(CHECKOUT, {
        input: checkoutInput(cart, `${prefix}-${i}-${Date.now()}`),
      }),
    );
    expect(data.checkout.userErrors).toEqual([]);
    ids.push(data.checkout.order.id);
  }
  return ids;
}

/** Changes an order: a capture first, then partial refunds (each one event at least). */
export async function changeOrder(platform: TestPlatform, orderId: string, step: number) {
  const mutation =
    step === 0
      ? `mutation ($id: ID!) { orderCapture(id: $id) { userErrors { code message } } }`
      : `mutation ($id: ID!) { orderRefund(id: $id, amount: 100, idempotencyKey: "${orderId}-${step}") { userErrors { code message } } }`;
  const data = dataOf(await platform.query(mutation, { id: orderId }));
  const payload = data.orderCapture ?? data.orderRefund;
  expect(payload.userErrors).toEqual([]);
}

/** Outbox rows announcing a change of the order, and rows not yet published anywhere. */
export async function announced(platform: TestPlatform, orderId: string): Promise<number> {
  const union = ORDER_ANNOUNCERS.map((s) => `SELECT topic FROM "${s}".outbox`).join(' UNION ALL ');
  const [row] = await platform.subgraphs.orders!.dataSource.query(
    `SELECT count(*)::int AS n FROM (${union}) o WHERE topic = $1`,
    [`order.updated.${orderId}`],
  );
  return row.n;
}

export async function unpublished(platform: TestPlatform): Promise<number> {
  const union = subgraphs
    .map((s) => `SELECT published_at FROM "${s.dbSchema}".outbox`)
    .join(' UNION ALL ');
  const [row] = await platform.subgraphs.orders!.dataSource.query(
    `SELECT count(*)::int AS n FROM (${union}) o WHERE published_at IS NULL`,
  );
  return row.n;
}

export interface Frame {
  eventId: string | null;
  status: string;
}

/**
 * A client of `orderUpdated` over graphql-ws that keeps every frame. When its router
 * closes the socket (a SIGTERM drains it) and `failover` is set, it subscribes again there
 * with `extensions.lastEventId`, the id of the last event it received.
 */
export class ResumingSubscriber {
  readonly frames: Frame[] = [];
  readonly errors: unknown[] = [];
  reconnects = 0;
  private client: Client | null = null;
  private closed = false;
  private ready!: Promise<void>;

  constructor(
    private url: string,
    readonly orderId: string,
    private readonly failover: string | null = null,
    /** How long it waits before it reconnects (a client's backoff; events go on meanwhile). */
    private readonly failoverDelayMs = 0,
  ) {}

  get lastEventId(): string | null {
    for (let i = this.frames.length - 1; i >= 0; i -= 1)
      if (this.frames[i]!.eventId) return this.frames[i]!.eventId;
    return null;
  }

  /** Frames that carried an event id (the first frame, the order as it is, has none). */
  eventIds(): string[] {
    return this.frames.flatMap((f) => (f.eventId ? [f.eventId] : []));
  }

  start(): Promise<void> {
    let resolveReady!: () => void;
    this.ready = new Promise((resolve) => (resolveReady = resolve));
    const client = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
    });
    this.client = client;
    const lastEventId = this.lastEventId;
    client.subscribe<{ orderUpdated: { status: string } }, { eventId?: string }>(
      {
        query: ORDER_UPDATED,
        variables: { id: this.orderId },
        ...(lastEventId ? { extensions: { lastEventId } } : {}),
      },
      {
        next: (result) => {
          if (result.errors) this.errors.push(result.errors);
          if (result.data)
            this.frames.push({
              eventId: (result.extensions?.eventId as string | undefined) ?? null,
              status: result.data.orderUpdated.status,
            });
          resolveReady();
        },
        error: () => this.lost(client),
        complete: () => this.lost(client),
      },
    );
    // A resumed subscription may have nothing to replay: it is ready once subscribed.
    if (lastEventId) client.on('connected', () => resolveReady());
    return this.ready;
  }

  private lost(client: Client): void {
    void client.dispose();
    if (this.closed || !this.failover || client !== this.client) return;
    this.url = this.failover;
    this.reconnects += 1;
    setTimeout(() => {
      if (!this.closed) void this.start();
    }, this.failoverDelayMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.dispose();
  }
}

/** Every frame in order of the broker, none twice, and as many as changes were announced. */
export function expectSawEverything(subscriber: ResumingSubscriber, announcedCount: number) {
  const ids = subscriber.eventIds();
  for (let i = 1; i < ids.length; i += 1) expect(comparePositions(ids[i - 1]!, ids[i]!)).toBe(-1);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBe(announcedCount);
}

export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
