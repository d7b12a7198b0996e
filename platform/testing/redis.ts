import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

/** Whether a real Redis is reachable for tests: REDIS_URL (CI), or a redis-server binary. */
export function redisAvailable(): boolean {
  return Boolean(process.env.REDIS_URL) || spawnSync('redis-server', ['--version']).status === 0;
}

/** The Redis in REDIS_URL, or a private redis-server on a free port for this test file. */
export async function startTestRedis(): Promise<TestRedis> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill();
    },
  };
}

export interface PrivateRedis extends TestRedis {
  port: number;
  /** Starts it again on the same port (after `stop`): empty, unless persistent. */
  start(): Promise<void>;
}

/**
 * A redis-server of this test's own, always (never REDIS_URL's, which other test files
 * share): for tests that stop Redis to see what its clients do, then start it again.
 */
export async function startPrivateRedis(
  options: { persistent?: boolean } = {},
): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  // Persistent: every write in an append-only file before Redis answers, as a broker that
  // acknowledges events must run; it comes back with what it had.
  const persistence = options.persistent
    ? [
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        mkdtempSync(join(tmpdir(), 'redis-')),
      ]
    : ['--appendonly', 'no'];
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
      { stdio: 'ignore' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop: async () => {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
}
