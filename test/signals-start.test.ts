import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, randomPortOffset } from '../platform/testing/ports';

/**
 * `npm start` as a supervisor (or `timeout`) stops it: SIGTERM to the npm process alone.
 * npm passes it to its shell only, which dies; before the fix tsx, the platform and the
 * embedded PostgreSQL lived on, orphaned and listening. Now every port closes and no
 * PostgreSQL of this data directory is left, within seconds. Private everything: an
 * embedded PostgreSQL in a temporary data directory on a free port, shifted ports.
 */
jest.setTimeout(300_000);

const root = join(__dirname, '..');
const offset = randomPortOffset();
const PORTS = [4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007, 4008, 4009, 4010].map(
  (p) => p + offset,
);
let dataDir: string;
let pgPort: number;
let npm: ChildProcess;
let output = '';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Pids of processes whose command line names the data directory (postgres, its watchdog). */
function processesOf(dir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

beforeAll(async () => {
  const parent = mkdtempSync(join(tmpdir(), 'signals-start-'));
  chmodSync(parent, 0o755); // PostgreSQL runs as its own user when we are root
  dataDir = join(parent, 'postgres');
  pgPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT_OFFSET: String(offset),
    EMBEDDED_PG_PORT: String(pgPort),
    EMBEDDED_PG_DATA: dataDir,
    REDIS_URL: '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  npm = spawn('npm', ['start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  npm.stdout!.on('data', (chunk) => (output += chunk));
  npm.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('router ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 200);
    npm.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
});

afterAll(async () => {
  // Whatever is left, by the pids this test can name: never a broad kill.
  for (const pid of processesOf(dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  if (npm?.exitCode === null) npm.kill('SIGKILL');
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

it('stops the platform and PostgreSQL when npm alone gets SIGTERM', async () => {
  for (const port of [...PORTS, pgPort]) expect(await listening(port)).toBe(true);
  expect(processesOf(dataDir).length).toBeGreaterThan(0);

  const npmExited = new Promise((resolve) => npm.once('exit', resolve));
  npm.kill('SIGTERM');
  await npmExited;

  const deadline = Date.now() + 15_000;
  let open: number[] = [...PORTS, pgPort];
  let left: number[] = processesOf(dataDir);
  while ((open.length || left.length) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    open = (await Promise.all(open.map(async (p) => ((await listening(p)) ? p : 0)))).filter(
      Boolean,
    );
    left = processesOf(dataDir);
  }
  expect({ open, left }).toEqual({ open: [], left: [] });
});
