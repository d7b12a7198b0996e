import { startRouter, type RunningRouter } from '../router/server';
import type { TestPlatform } from './support/platform';
import { dataOf } from '../platform/testing/graphql-client';
import {
  base,
  data,
  expectRejected,
  restore,
  send,
  useEdgePlatform,
} from './support/edge-platform';

/**
 * The router as a production edge (continued): CSRF, CORS, security headers and production
 * mode, against the whole platform.
 */
const edge = useEdgePlatform('router_security');
const { post, routerConfig } = edge;
let platform: TestPlatform;
beforeAll(() => {
  platform = edge.platform;
});
const deepCategories = (depth: number) =>
  `categories ${'{ children '.repeat(depth - 2)}{ id }${' }'.repeat(depth - 2)}`;

describe('CSRF prevention (Apollo Server 5 default)', () => {
  it('refuses simple-content-type POSTs and GETs without a preflight header', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const textPlain = await fetch(platform.router.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(textPlain.status).toBe(400);
    expect(await textPlain.text()).toContain('Cross-Site Request Forgery');
    const form = await fetch(platform.router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=%7B__typename%7D',
    });
    expect(form.status).toBe(400);

    const url = new URL(platform.router.url);
    url.searchParams.set('query', '{ __typename }');
    expect((await fetch(url)).status).toBe(400);
    expect((await fetch(url, { headers: { 'apollo-require-preflight': 'true' } })).status).toBe(
      200,
    );
    expect((await fetch(url, { headers: { 'x-apollo-operation-name': 'Typename' } })).status).toBe(
      200,
    );
    expect((await post('{ __typename }')).status).toBe(200);
  });
});

describe('CORS and security headers', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  it('answers a preflight from an allowed origin (any localhost in development)', async () => {
    const response = await preflight(platform.router.url, 'http://localhost:5173');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'content-type, authorization',
    );
    const actual = await post('{ __typename }', undefined, { origin: 'http://localhost:5173' });
    expect(actual.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('refuses a preflight from any other origin', async () => {
    const response = await preflight(platform.router.url, 'https://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const actual = await post('{ __typename }', undefined, { origin: 'https://evil.example' });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends security headers, a strict CSP on JSON, and no HSTS unless asked', async () => {
    for (const answer of [await post('{ __typename }'), await post(`{ ${deepCategories(50)} }`)]) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
      expect(answer.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(answer.headers.get('strict-transport-security')).toBeNull();
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
    const health = await fetch(`${base(platform.router)}/health`);
    expect(health.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('production mode (NODE_ENV=production)', () => {
  let router: RunningRouter;
  const saved: Record<string, string | undefined> = {};
  const env = {
    NODE_ENV: 'production',
    CORS_ORIGINS: 'https://shop.example.com',
    HSTS: 'on',
    METRICS_BEARER_TOKEN: 'scrape-secret',
  };

  beforeAll(async () => {
    dataOf(await platform.query('{ brands { id } }')); // a signed subgraph call puts the platform's signing secret in the environment
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    router = await startRouter(routerConfig());
  });
  afterAll(async () => {
    await router?.stop();
    for (const name of Object.keys(env)) restore(name, saved[name]);
  });

  it('refuses introspection', async () => {
    for (const query of [
      '{ __schema { types { name } } }',
      '{ __type(name: "Product") { name } }',
    ]) {
      const answer = await send(router.url, { query });
      expectRejected(answer, 'INTROSPECTION_DISABLED');
    }
    expect(Array.isArray(data(await send(router.url, { query: '{ brands { id } }' })).brands)).toBe(
      true,
    );
  });

  it('gives no field suggestions', async () => {
    const answer = await send(router.url, { query: '{ warehouses { cod } }' });
    expect(answer.body.errors?.[0]?.message).toBe('Cannot query field "cod" on type "Warehouse".');
    const development = await post('{ warehouses { cod } }');
    expect(development.body.errors?.[0]?.message).toMatch(/Did you mean "code"/);
  });

  it('allows only the configured origins, and sends HSTS when HSTS=on', async () => {
    const allowed = await fetch(router.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const localhost = await fetch(router.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(localhost.status).toBe(403);
    const answer = await send(router.url, { query: '{ __typename }' });
    expect(answer.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });
});
