import { Pool } from 'undici';

/**
 * Keep-alive undici Pools, one per origin, each of at most `connections` connections, and
 * the pool and path of each URL asked for (parsed once): the request API, without fetch's
 * web streams and Request/Response objects on every call.
 */
export class HttpPools {
  private readonly pools = new Map<string, Pool>();
  private readonly targets = new Map<string, { pool: Pool; path: string }>();

  constructor(private readonly connections: number) {}

  targetOf(url: string): { pool: Pool; path: string } {
    let target = this.targets.get(url);
    if (!target) {
      const { origin, pathname, search } = new URL(url);
      let pool = this.pools.get(origin);
      if (!pool) {
        pool = new Pool(origin, { connections: this.connections });
        this.pools.set(origin, pool);
      }
      target = { pool, path: `${pathname}${search}` };
      this.targets.set(url, target);
    }
    return target;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}
