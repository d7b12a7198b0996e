import diagnostics from 'node:diagnostics_channel';
import { randomUUID } from 'node:crypto';
import {
  CartCreateDocument,
  CheckoutDocument,
  OrderCaptureDocument,
  PriceSetDocument,
  ProductCreateDocument,
  StockReceiveDocument,
  WarehouseCreateDocument,
} from '../../sdk';
import { dataOf } from '../../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform';

export interface CheckoutCountOptions {
  /** Measured rounds (cart create + checkout + capture), one after another. */
  rounds: number;
  /** Rounds run first and not counted (caches, pools, JIT). */
  warmup: number;
  /** A subgraph whose SQL of the last round is printed (what its statements are). */
  traceSubgraph?: string;
}

const ADDRESS = {
  name: 'Ada Lovelace',
  line1: 'Unter den Linden 1',
  city: 'Berlin',
  postalCode: '10117',
  country: 'DE',
};

/**
 * `npm run bench -- checkout-counts`: what one checkout costs in calls and SQL, the whole
 * platform in this process (the test platform): per round of cartCreate (two lines) →
 * checkout (`tok_visa`) → orderCapture, the HTTP calls into each subgraph (router's and
 * other subgraphs', told apart by whether platform/service-client.ts made them), SQL
 * statements and transactions per subgraph (their StatementCounter), and the wall and CPU
 * time of the rounds. Counts are averages over the measured rounds; they are exact when
 * no background work (relays, sweepers) lands in the window.
 */
export async function checkoutCountBench(options: CheckoutCountOptions) {
  const platform = await startTestPlatform('bench-counts');
  const calls = new Map<string, number>();
  /** Subgraph-to-subgraph calls by callee and operation: what the saga asks. */
  const operations = new Map<string, number>();
  const trace: string[] = [];
  let unsubscribe = () => {};
  const byUrl = new Map(Object.entries(platform.subgraphUrls).map(([name, url]) => [url, name]));
  try {
    const variants = await setUp(platform);
    const transactions: Record<string, number> = {};
    for (const [name, subgraph] of Object.entries(platform.subgraphs)) {
      const counter = subgraph.statements;
      const logQuery = counter.logQuery.bind(counter);
      transactions[name] = 0;
      counter.logQuery = (query?: string) => {
        if (query === 'START TRANSACTION') transactions[name]! += 1;
        if (options.traceSubgraph === name) trace.push(String(query).slice(0, 160));
        logQuery();
      };
    }
    // Every call between the services goes through an undici pool (the router's subgraph
    // source and platform/service-client.ts) or fetch; undici announces each request it
    // creates, synchronously, from the caller's stack.
    const onRequest = (message: unknown) => {
      const { request } = message as { request: { origin: string; path: string; body?: unknown } };
      const target = byUrl.get(new URL(request.path, request.origin).href);
      if (!target) return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40; // undici's own frames come first
      const from = new Error().stack?.includes('service-client') ? 'subgraph' : 'router';
      Error.stackTraceLimit = limit;
      const key = `${from}→${target}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      if (from === 'subgraph') {
        const op = `${target}.${operationName(request.body)}`;
        operations.set(op, (operations.get(op) ?? 0) + 1);
      }
    };
    diagnostics.subscribe('undici:request:create', onRequest);
    unsubscribe = () => diagnostics.unsubscribe('undici:request:create', onRequest);
    const round = () => checkoutRound(platform, variants);
    for (let i = 0; i < options.warmup; i++) await round();
    await settle();

    calls.clear();
    operations.clear();
    for (const name of Object.keys(transactions)) transactions[name] = 0;
    const statementsBefore = statementCounts(platform);
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < options.rounds; i++) {
      trace.length = 0;
      await round();
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await settle();

    const per = (n: number) => Math.round((n / options.rounds) * 10) / 10;
    const statements = Object.fromEntries(
      Object.entries(statementCounts(platform))
        .map(([name, n]) => [name, per(n - statementsBefore[name]!)] as const)
        .filter(([, n]) => n > 0),
    );
    const callsPer = Object.fromEntries([...calls].sort().map(([k, n]) => [k, per(n)]));
    const sum = (o: Record<string, number>) =>
      Math.round(Object.values(o).reduce((a, b) => a + b, 0) * 10) / 10;
    const tx = Object.fromEntries(
      Object.entries(transactions)
        .map(([name, n]) => [name, per(n)] as const)
        .filter(([, n]) => n > 0),
    );
    return {
      setup: `whole platform in one process (test platform), ${options.rounds} rounds after ${options.warmup} warm-up, one at a time`,
      perRound: {
        calls: { total: sum(callsPer), ...callsPer },
        subgraphOperations: Object.fromEntries([...operations].sort().map(([k, n]) => [k, per(n)])),
        statements: { total: sum(statements), ...statements },
        transactions: { total: sum(tx), ...tx },
      },
      wallMsPerRound: Math.round(wallMs / options.rounds),
      cpuMsPerRound: Math.round((used.user + used.system) / 1000 / options.rounds),
      roundsPerSecond: Math.round((options.rounds / wallMs) * 10_000) / 10,
      ...(options.traceSubgraph ? { trace } : {}),
    };
  } finally {
    unsubscribe();
    await platform.stop();
  }
}

function operationName(body: unknown): string {
  const text =
    typeof body === 'string'
      ? body
      : body instanceof Uint8Array
        ? Buffer.from(body).toString()
        : null;
  if (text === null) return '?';
  const query = (JSON.parse(text) as { query?: string }).query ?? '';
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '(anonymous)';
}

/** Relays and event handlers a round set off finish before the counters are read. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

function statementCounts(platform: TestPlatform): Record<string, number> {
  return Object.fromEntries(
    Object.entries(platform.subgraphs).map(([n, s]) => [n, s.statements.count]),
  );
}

async function checkoutRound(platform: TestPlatform, variants: string[]): Promise<void> {
  const cart = dataOf(
    await platform.query(CartCreateDocument, {
      input: { lines: variants.map((variantId) => ({ variantId, quantity: 1 })) },
    }),
  ).cartCreate;
  if (cart.userErrors.length) throw new Error(JSON.stringify(cart.userErrors));
  const placed = dataOf(
    await platform.query(CheckoutDocument, {
      input: {
        cartId: cart.cart!.id,
        idempotencyKey: randomUUID(),
        email: 'ada@example.com',
        shippingAddress: ADDRESS,
        payment: { token: 'tok_visa' },
      },
    }),
  ).checkout;
  if (placed.userErrors.length) throw new Error(JSON.stringify(placed.userErrors));
  const captured = dataOf(
    await platform.query(OrderCaptureDocument, { id: placed.order!.id }),
  ).orderCapture;
  if (captured.order?.status !== 'CONFIRMED') throw new Error(JSON.stringify(captured));
}

/** A warehouse and two priced variants with far more stock than a run sells. */
async function setUp(platform: TestPlatform): Promise<string[]> {
  const warehouseId = dataOf(
    await platform.query(WarehouseCreateDocument, {
      input: { code: 'COUNT', name: 'Count', countryCode: 'DE' },
    }),
  ).warehouseCreate.warehouse!.id;
  const variants: string[] = [];
  for (const sku of ['COUNT-A', 'COUNT-B']) {
    const product = dataOf(
      await platform.query(ProductCreateDocument, {
        input: { name: `Count ${sku}`, variants: [{ sku, title: sku }] },
      }),
    ).productCreate.product!;
    const variantId = product.variants[0]!.id;
    await platform.query(PriceSetDocument, {
      input: { variantId, sku, currency: 'EUR', amount: 1500, minQuantity: 1 },
    });
    await platform.query(StockReceiveDocument, {
      input: { sku, warehouseId, quantity: 1_000_000 },
    });
    variants.push(variantId);
  }
  return variants;
}
