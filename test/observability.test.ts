import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { createRouterMetrics } from '../router/edge/observability/metrics';
import { startTracing } from '../router/edge/observability/tracing';
import { setLogSink, type LogRecord } from '../platform/logging';
import { postGraphQL } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { createProduct } from './support/shop';
import { subscribeWs, wsClient } from './support/subscriptions';

// The router's /metrics, its JSON request logs and the subgraphs' (joined by the request
// id), and OpenTelemetry spans across router and subgraphs with an in-memory exporter.

const LISTING = /* GraphQL */ `
  query ObservedListing {
    products(first: 20) {
      edges {
        node {
          name
          variants {
            sku
            price {
              amount
            }
            availableQuantity
          }
        }
      }
    }
  }
`;

let platform: TestPlatform;
const lines: string[] = [];
const records: LogRecord[] = [];
let restoreLogs: () => void = () => {};

beforeAll(async () => {
  // Every logger, router and subgraphs alike, writes here (at info) instead of stdout.
  restoreLogs = setLogSink(
    (line, record) => {
      lines.push(line);
      records.push(record);
    },
    { level: 'info' },
  );
  platform = await startTestPlatform('observability');
  await createProduct(platform, 'Observed tee', [{ sku: 'OBS-001', price: 1500 }]);
});

afterAll(async () => {
  await platform?.stop();
  restoreLogs();
});

async function scrape(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${platform.router.port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of one series in Prometheus text format (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value))
      return Number(match[3]);
  }
  return 0;
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('/metrics', () => {
  test('request, error and per-subgraph counters move with requests', async () => {
    const before = await scrape();
    for (let i = 0; i < 2; i++) {
      const response = await platform.query(LISTING);
      expect(response.errors).toBeUndefined();
      expect(response.data!.products.edges.map((e: any) => e.node.name)).toContain('Observed tee');
    }
    const invalid = await platform.query('query Broken { products(first: 1) { noSuchField } }');
    expect(invalid.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const after = await scrape();

    const listing = { operation: 'ObservedListing', type: 'query' };
    expect(
      sample(after, 'router_graphql_requests_total', listing) -
        sample(before, 'router_graphql_requests_total', listing),
    ).toBe(2);
    expect(
      sample(after, 'router_graphql_request_duration_seconds_count', listing) -
        sample(before, 'router_graphql_request_duration_seconds_count', listing),
    ).toBe(2);
    const code = { code: 'GRAPHQL_VALIDATION_FAILED' };
    expect(
      sample(after, 'router_graphql_errors_total', code) -
        sample(before, 'router_graphql_errors_total', code),
    ).toBe(1);
    // Each listing calls catalog, then inventory and pricing for the variants.
    for (const subgraph of ['catalog', 'inventory', 'pricing']) {
      const labels = { subgraph, outcome: 'ok' };
      const calls =
        sample(after, 'router_subgraph_request_duration_seconds_count', labels) -
        sample(before, 'router_subgraph_request_duration_seconds_count', labels);
      expect({ subgraph, calls: calls >= 2 }).toEqual({ subgraph, calls: true });
    }
    expect(sample(after, 'router_http_responses_total', { status: '200' })).toBeGreaterThan(
      sample(before, 'router_http_responses_total', { status: '200' }),
    );
    // prom-client's process metrics are there too.
    expect(after).toMatch(/^process_cpu_user_seconds_total /m);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  test('the active subscriptions gauge follows open subscriptions', async () => {
    const gauge = async () => sample(await scrape(), 'router_active_subscriptions');
    expect(await gauge()).toBe(0);
    const client = wsClient(platform.router.url);
    const subscription = subscribeWs(
      client,
      'subscription { inventoryChanged(sku: "OBS-001", warehouseId: null) { onHand } }',
      {},
    );
    try {
      await waitFor('the gauge at 1', async () => ((await gauge()) === 1 ? true : undefined));
    } finally {
      await subscription.close();
      await client.dispose();
    }
    await waitFor('the gauge back at 0', async () => ((await gauge()) === 0 ? true : undefined));
  });

  test('each router has a registry of its own', () => {
    const a = createRouterMetrics();
    const b = createRouterMetrics();
    expect(a.registry).not.toBe(b.registry);
    a.recordRequest({
      requestId: 'x',
      transport: 'http',
      status: 200,
      durationMs: 1,
      operationName: 'Solo',
      operationType: 'query',
      errorCodes: [],
    });
    return Promise.all([a.registry.metrics(), b.registry.metrics()]).then(([textA, textB]) => {
      expect(sample(textA, 'router_graphql_requests_total', { operation: 'Solo' })).toBe(1);
      expect(sample(textB, 'router_graphql_requests_total', { operation: 'Solo' })).toBe(0);
    });
  });
});

describe('structured logs', () => {
  test('the router and the subgraphs log the same request id', async () => {
    const response = await fetch(platform.router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'test-req-123' },
      body: JSON.stringify({ query: LISTING }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('test-req-123');

    const routerLine = await waitFor('the router log line', () =>
      records.find(
        (r) => r.service === 'router' && r.msg === 'request' && r.requestId === 'test-req-123',
      ),
    );
    expect(routerLine).toMatchObject({
      level: 'info',
      operationName: 'ObservedListing',
      operationType: 'query',
      status: 200,
      viewer: 'anonymous',
      path: '/graphql',
    });
    expect(typeof routerLine.durationMs).toBe('number');
    expect(Date.parse(routerLine.time)).not.toBeNaN();
    const subgraphLines = records.filter(
      (r) => r.service !== 'router' && r.msg === 'request' && r.requestId === 'test-req-123',
    );
    expect([...new Set(subgraphLines.map((r) => r.service))]).toEqual(
      expect.arrayContaining(['catalog', 'inventory', 'pricing']),
    );
    for (const line of subgraphLines)
      expect(line).toMatchObject({ level: 'info', viewer: 'anonymous', status: 200 });
    // One JSON object per line.
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  test('a request without an id gets one, sent back and passed on', async () => {
    const response = await fetch(platform.router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ products(first: 1) { totalCount } }' }),
    });
    const id = response.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor('both lines', () =>
      records.some((r) => r.service === 'router' && r.requestId === id) &&
      records.some((r) => r.service === 'catalog' && r.requestId === id)
        ? true
        : undefined,
    );
  });

  test('error codes are logged, credentials never are', async () => {
    const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzbmVha3kifQ.c2VjcmV0LXNpZ25hdHVyZQ';
    const rejected = await postGraphQL(
      platform.router.url,
      '{ products(first: 1) { totalCount } }',
      {},
      { headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'test-req-bad-token' } },
    );
    expect(rejected.status).toBe(401);
    const line = await waitFor('the rejected request', () =>
      records.find((r) => r.requestId === 'test-req-bad-token'),
    );
    expect(line).toMatchObject({ service: 'router', status: 401, errorCodes: ['UNAUTHENTICATED'] });

    await postGraphQL(
      platform.router.url,
      `mutation ($input: CheckoutInput!) { checkout(input: $input) { userErrors { code } } }`,
      {
        input: {
          cartId: 'nope',
          idempotencyKey: 'k',
          email: 'a@example.com',
          payment: { token: 'tok_visa' },
          password: 'hunter2',
        },
      },
      { headers: { 'x-request-id': 'test-req-secret-vars' } },
    );
    await waitFor('the mutation line', () =>
      records.find((r) => r.requestId === 'test-req-secret-vars'),
    );
    const everything = lines.join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('x-commerce-signature');
  });
});

describe('tracing', () => {
  test('spans from the router and its gateway share a trace the subgraphs continue', async () => {
    const exporter = new InMemorySpanExporter();
    await startTracing({ exporter });
    const response = await fetch(platform.router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'test-req-traced' },
      body: JSON.stringify({ query: LISTING }),
    });
    expect(response.status).toBe(200);

    const server = await waitFor('the router span', () =>
      exporter
        .getFinishedSpans()
        .find((s) => s.attributes['commerce.request_id'] === 'test-req-traced'),
    );
    expect(server.name).toBe('query ObservedListing');
    const traceId = server.spanContext().traceId;
    const names = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === traceId)
      .map((s) => s.name);
    // (No gateway.plan: the plan of this query is cached since the first test.)
    expect(names).toEqual(
      expect.arrayContaining([
        'gateway.request',
        'gateway.execute',
        'gateway.fetch',
        'gateway.postprocessing',
      ]),
    );
    // One gateway.fetch per subgraph call: catalog, then inventory and pricing.
    expect(names.filter((name) => name === 'gateway.fetch').length).toBeGreaterThanOrEqual(3);

    const routerLine = records.find(
      (r) => r.service === 'router' && r.requestId === 'test-req-traced',
    );
    expect(routerLine?.traceId).toBe(traceId);
    const subgraphLines = records.filter(
      (r) => r.service !== 'router' && r.requestId === 'test-req-traced',
    );
    expect(subgraphLines.length).toBeGreaterThanOrEqual(3);
    for (const line of subgraphLines)
      expect({ service: line.service, traceId: line.traceId }).toEqual({
        service: line.service,
        traceId,
      });
  });
});
