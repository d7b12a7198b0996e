import { subgraphs } from '../subgraphs/registry';
import { startTestPlatform, type TestPlatform } from './support/platform';
import { watchOutgoingRequests } from './support/outgoing-requests';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform('router');
});

afterAll(async () => {
  await platform?.stop();
});

const base = () => platform.router.url.replace(/\/graphql$/, '');

describe('router', () => {
  it('answers /health', async () => {
    const response = await fetch(`${base()}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when every subgraph and its database answer', async () => {
    const response = await fetch(`${base()}/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { subgraphs: Record<string, boolean> };
    expect(body.subgraphs).toEqual(Object.fromEntries(subgraphs.map((s) => [s.name, true])));
  });

  it('is not ready when a subgraph is down, and names it', async () => {
    await platform.subgraphs.payments!.stop();
    const response = await fetch(`${base()}/ready`);
    expect(response.status).toBe(503);
    expect(
      ((await response.json()) as { subgraphs: Record<string, boolean> }).subgraphs.payments,
    ).toBe(false);
  });

  it('forwards the request id it was given to the subgraphs', async () => {
    const seen: string[] = [];
    const stopWatching = watchOutgoingRequests((request) => {
      const toSubgraph = request.url !== platform.router.url;
      if (toSubgraph && request.headers['x-request-id']) seen.push(request.headers['x-request-id']);
    });
    try {
      await platform.query(`{ brands { id } }`);
      await fetch(platform.router.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-abc-123' },
        body: JSON.stringify({ query: '{ brands { id } }' }),
      });
    } finally {
      stopWatching();
    }
    expect(seen).toContain('req-abc-123');
  });
});
