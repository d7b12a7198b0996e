import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitBreaker, type BreakerOptions } from './circuit-breaker';
import { subgraphResilienceFromEnv } from './config';
import { ConnectionLimiter } from './connection-limiter';
import { resilientFetch, SubgraphUnavailableError } from './resilient-fetch';

const options: BreakerOptions = {
  failureThreshold: 3,
  cooldownMs: 1000,
  failureRate: 0.5,
  windowMs: 10_000,
  minimumCalls: 10,
};

function breakerAt(clock: { now: number }, overrides: Partial<BreakerOptions> = {}) {
  const changes: string[] = [];
  const breaker = new CircuitBreaker(
    'inventory',
    { ...options, ...overrides },
    (_n, from, to) => changes.push(`${from}->${to}`),
    () => clock.now,
  );
  return { breaker, changes };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, fails fast, lets one probe through after the cool-down, closes on success', () => {
    const clock = { now: 0 };
    const { breaker, changes } = breakerAt(clock);
    breaker.tryAcquire()!.failure();
    breaker.tryAcquire()!.success(); // a success resets the run
    for (let i = 0; i < 2; i++) breaker.tryAcquire()!.failure();
    expect(breaker.state).toBe('closed');
    breaker.tryAcquire()!.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBeNull();
    clock.now += 999;
    expect(breaker.tryAcquire()).toBeNull();
    clock.now += 1;
    const probe = breaker.tryAcquire();
    expect(probe).not.toBeNull();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBeNull(); // one probe at a time
    probe!.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).not.toBeNull();
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', rejected: 3, opened: 1 });
  });

  it('a failed probe opens the circuit for another cool-down', () => {
    const clock = { now: 0 };
    const { breaker } = breakerAt(clock);
    for (let i = 0; i < 3; i++) breaker.tryAcquire()!.failure();
    clock.now += 1000;
    breaker.tryAcquire()!.failure();
    expect(breaker.state).toBe('open');
    clock.now += 500;
    expect(breaker.tryAcquire()).toBeNull();
    clock.now += 500;
    expect(breaker.tryAcquire()).not.toBeNull();
  });

  it('opens on a failure rate over the window, without a long run of failures', () => {
    const clock = { now: 0 };
    const { breaker } = breakerAt(clock, { failureThreshold: 100 });
    for (let i = 0; i < 9; i++) {
      const permit = breaker.tryAcquire()!;
      if (i % 2) permit.failure();
      else permit.success();
    }
    expect(breaker.state).toBe('closed'); // 4 of 9: below the minimum number of calls
    breaker.tryAcquire()!.failure(); // 5 of 10
    expect(breaker.state).toBe('open');
  });

  it('forgets failures older than the window', () => {
    const clock = { now: 0 };
    const { breaker } = breakerAt(clock, { failureThreshold: 100 });
    for (let i = 0; i < 9; i++) breaker.tryAcquire()!.failure();
    clock.now += 20_000;
    for (let i = 0; i < 9; i++) breaker.tryAcquire()!.success();
    breaker.tryAcquire()!.failure();
    expect(breaker.state).toBe('closed');
  });

  it('reports each permit once', () => {
    const { breaker } = breakerAt({ now: 0 });
    const permit = breaker.tryAcquire()!;
    permit.failure();
    permit.failure();
    permit.failure();
    expect(breaker.snapshot().consecutiveFailures).toBe(1);
  });
});

describe('ConnectionLimiter', () => {
  it('holds calls beyond the bound until a slot frees, in order', async () => {
    const limiter = new ConnectionLimiter(2);
    const a = await limiter.acquire();
    await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((release) => (order.push('c'), release));
    const d = limiter.acquire().then((release) => (order.push('d'), release));
    expect(limiter.queued).toBe(2);
    a();
    a(); // a second release of the same slot is ignored
    await c;
    expect(order).toEqual(['c']);
    expect(limiter.inFlight).toBe(2);
    (await c)();
    await d;
    expect(order).toEqual(['c', 'd']);
  });

  it('gives up waiting when the deadline passes', async () => {
    const limiter = new ConnectionLimiter(1);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect(limiter.queued).toBe(0);
  });
});

describe('subgraph settings from the environment', () => {
  it('has defaults and per-subgraph overrides', () => {
    expect(subgraphResilienceFromEnv('inventory', 10_000, {})).toEqual({
      timeoutMs: 10_000,
      maxConnections: 64,
      breaker: {
        failureThreshold: 5,
        cooldownMs: 5000,
        failureRate: 0.5,
        windowMs: 30_000,
        minimumCalls: 20,
      },
    });
    const env = {
      INVENTORY_TIMEOUT_MS: '2500',
      SUBGRAPH_MAX_CONNECTIONS: '16',
      BREAKER_FAILURES: '3',
      BREAKER_COOLDOWN_MS: '1000',
    };
    expect(subgraphResilienceFromEnv('inventory', 10_000, env)).toMatchObject({
      timeoutMs: 2500,
      maxConnections: 16,
      breaker: { failureThreshold: 3, cooldownMs: 1000 },
    });
    expect(subgraphResilienceFromEnv('catalog', 10_000, env).timeoutMs).toBe(10_000);
    expect(subgraphResilienceFromEnv('catalog', 10_000, { BREAKER: 'off' }).breaker).toBeNull();
    expect(() =>
      subgraphResilienceFromEnv('catalog', 10_000, { BREAKER_FAILURES: 'many' }),
    ).toThrow('BREAKER_FAILURES');
  });
});

describe('resilientFetch', () => {
  let server: Server;
  let url: string;
  let calls = 0;
  let status = 200;
  let stall = false;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      calls++;
      if (stall) return; // never answers
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"data":{"ok":true}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const settings = (timeoutMs = 5000) => ({
    timeoutMs,
    maxConnections: 4,
    breaker: { ...options, failureThreshold: 2, cooldownMs: 60_000 },
  });
  const reasonOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: SubgraphUnavailableError) => `${error.reason}: ${error.message}`,
    );

  it('passes answers through, GraphQL errors and 4xx included, and counts 5xx as failures', async () => {
    const calls$ = resilientFetch('pricing', settings(), () => {});
    const fetcher = calls$.fetcher as unknown as (
      url: string,
      init?: RequestInit,
    ) => Promise<Response>;
    status = 400;
    expect((await fetcher(url)).status).toBe(400);
    status = 200;
    expect(await (await fetcher(url)).json()).toEqual({ data: { ok: true } });
    status = 503;
    expect(await reasonOf(fetcher(url))).toBe(
      'http_status: Subgraph "pricing" is unavailable: HTTP 503',
    );
    expect(await reasonOf(fetcher(url))).toMatch(/^http_status/);
    expect(calls$.breaker!.state).toBe('open');
    const before = calls;
    expect(await reasonOf(fetcher(url))).toMatch(/^circuit_open/);
    expect(calls).toBe(before);
    status = 200;
    await calls$.close();
  });

  it('times out a subgraph that does not answer', async () => {
    const calls$ = resilientFetch('pricing', settings(200), () => {});
    const fetcher = calls$.fetcher as unknown as (url: string) => Promise<Response>;
    stall = true;
    try {
      expect(await reasonOf(fetcher(url))).toBe(
        'timeout: Subgraph "pricing" is unavailable: no answer within 200 ms',
      );
    } finally {
      stall = false;
      await calls$.close();
    }
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const calls$ = resilientFetch('pricing', settings(), () => {});
    const fetcher = calls$.fetcher as unknown as (url: string) => Promise<Response>;
    expect(await reasonOf(fetcher(`http://127.0.0.1:${port}/graphql`))).toBe(
      'connection: Subgraph "pricing" is unavailable: connection failed (ECONNREFUSED)',
    );
    await calls$.close();
  });
});
