import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { routerConfigFromEnv } from '../router/config';
import { loadOrdersConfig } from '../subgraphs/orders/config';

const root = join(__dirname, '..');

function start(script: string, args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    encoding: 'utf8',
    timeout: 30000,
  });
}

describe('typed configuration', () => {
  it('stops a subgraph on a bad number, naming the variable and what it expected', () => {
    const result = start('scripts/start-subgraph.ts', ['catalog'], { PORT: 'abc' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT="abc": expected an integer');
  });

  it('lists every bad variable at once', () => {
    const result = start('scripts/start-subgraph.ts', ['catalog'], {
      PORT: '70000',
      DATABASE_URL: 'not a url',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT="70000": expected at most 65535');
    expect(result.stderr).toContain('DATABASE_URL="not a url": expected a URL');
  });

  it('stops the router on a bad ROUTER_PORT, naming it', () => {
    const result = start('router/main.ts', [], { ROUTER_PORT: 'abc' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('ROUTER_PORT="abc": expected an integer');
  });

  it('keeps checkout leases and waits under the router deadline above them, by default', () => {
    // A retry must hear CHECKOUT_IN_PROGRESS (or take over a dead attempt) before the
    // router gives up on orders, or the breaker opens on a healthy subgraph.
    const orders = loadOrdersConfig({});
    const { subgraphTimeoutMs } = routerConfigFromEnv({});
    expect(orders.CHECKOUT_WAIT_MS).toBeLessThan(subgraphTimeoutMs);
    expect(orders.CHECKOUT_LEASE_MS).toBeLessThan(subgraphTimeoutMs);
  });

  it("bounds the router's heap growth by default, and refuses a growth that is not a number", () => {
    expect(routerConfigFromEnv({}).heapGrowthPercent).toBe(50);
    expect(routerConfigFromEnv({ ROUTER_HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(() => routerConfigFromEnv({ ROUTER_HEAP_GROWTH_PERCENT: 'lots' })).toThrow(
      /ROUTER_HEAP_GROWTH_PERCENT/,
    );
  });
});
