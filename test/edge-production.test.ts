import { join } from 'node:path';
import { startRouter, type RunningRouter } from '../router/server';
import { routerConfigFromEnv } from '../router/config';
import { ConfigError } from '../platform/config';
import { dataOf } from '../platform/testing/graphql-client';
import { startTestPlatform, type TestPlatform } from './support/platform';

/**
 * The router started with NODE_ENV=production, as an attacker finds it: /metrics needs
 * the bearer token (and the router refuses to start without one), and a browser opening
 * /graphql gets no landing page (Apollo's loads scripts from a CDN), nor the playground.
 */
let platform: TestPlatform;
const saved: Record<string, string | undefined> = {};

function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in saved)) saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

function routerConfig() {
  return {
    ...routerConfigFromEnv(),
    port: 0,
    host: '127.0.0.1',
    supergraphPath: join(__dirname, '..', 'schema', 'supergraph.graphql'),
    subgraphUrls: platform.subgraphUrls,
  };
}

beforeAll(async () => {
  platform = await startTestPlatform('edge_production');
  dataOf(await platform.query('{ __typename }'));
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await platform?.stop();
});

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('NODE_ENV=production', () => {
  it('refuses to start with metrics on and no METRICS_BEARER_TOKEN', async () => {
    setEnv({ NODE_ENV: 'production', METRICS_BEARER_TOKEN: undefined, METRICS: undefined });
    const started = startRouter(routerConfig());
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/METRICS_BEARER_TOKEN/);
    // Turning metrics off is the other way to start.
    setEnv({ METRICS: 'off' });
    const router = await startRouter(routerConfig());
    try {
      const metrics = await fetch(`http://127.0.0.1:${router.port}/metrics`);
      expect(metrics.status).toBe(404);
    } finally {
      await router.stop();
    }
  });

  describe('with a metrics token', () => {
    let router: RunningRouter;
    beforeAll(async () => {
      setEnv({ NODE_ENV: 'production', METRICS: undefined, METRICS_BEARER_TOKEN: 'scrape-me' });
      router = await startRouter(routerConfig());
    });
    afterAll(async () => {
      await router?.stop();
    });

    it('serves /metrics only with the token', async () => {
      const base = `http://127.0.0.1:${router.port}`;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${base}/metrics`, {
        headers: { authorization: 'Bearer guess' },
      });
      expect(wrong.status).toBe(401);
      const scraped = await fetch(`${base}/metrics`, {
        headers: { authorization: 'Bearer scrape-me' },
      });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('router_graphql_requests_total');
    });

    it('serves no landing page and no playground to a browser', async () => {
      const base = `http://127.0.0.1:${router.port}`;
      const page = await fetch(`${base}/graphql`, {
        headers: { accept: BROWSER_ACCEPT },
        redirect: 'manual',
      });
      const body = await page.text();
      expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      expect(body).not.toMatch(/<html|<script|apollographql|cdn\./i);
      expect(page.status).not.toBe(302);
      expect((await fetch(`${base}/playground`)).status).toBe(404);
      // And GraphQL itself still works.
      const answer = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    });
  });
});
