import { DataSource } from 'typeorm';
import { startPrivateRedis } from '../../../platform/testing/redis';
import { benchDatabase } from '../environment';
import { spawnPlatform, type PlatformProcesses } from './platform';
import type { Started } from './processes';

export interface DeployedBench {
  platform: PlatformProcesses;
  /** The bench database, for setup and the checks a bench ends with. */
  sql: DataSource;
  /** 'shared' when REDIS_URL is set, else a private redis-server of this run. */
  redis: 'shared' | 'private';
}

/**
 * What every multi-process bench starts from: a database of its own, Redis (REDIS_URL or a
 * private redis-server), the platform as deployed (harness/platform.ts) and a connection
 * to that database; each is stopped by `started`, last first.
 */
export async function deployedBench(
  started: Started,
  options: Pick<Parameters<typeof spawnPlatform>[0], 'routerEnv' | 'compiled'> = {},
): Promise<DeployedBench> {
  const db = started.add(await benchDatabase());
  const redisUrl = process.env.REDIS_URL ?? started.add(await startPrivateRedis()).url;
  const platform = started.add(
    await spawnPlatform({
      databaseUrl: db.url,
      redisUrl,
      namespace: new URL(db.url).pathname.slice(1),
      ...options,
    }),
  );
  const sql = new DataSource({ type: 'postgres', url: db.url });
  await sql.initialize();
  started.add({ stop: () => sql.destroy() });
  return { platform, sql, redis: process.env.REDIS_URL ? 'shared' : 'private' };
}
