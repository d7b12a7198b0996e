import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from '../../build';

export const ROOT = join(__dirname, '..', '..', '..');

/** A Node process of the bench (a subgraph, a router, a gateway, the load). */
export interface BenchProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Resident memory, in MiB (Linux /proc). */
  rssMiB(): number;
  /** CPU seconds it has used so far, user + system (Linux /proc). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

let built = false;

/**
 * `script`'s compiled counterpart in dist/ (what the production image runs: `npm run
 * build`, compiled once per bench run, so it is the code of this checkout).
 */
function compiledScript(script: string): string {
  if (!built) {
    build();
    built = true;
  }
  return join(ROOT, 'dist', relative(ROOT, script).replace(/\.ts$/, '.js'));
}

/**
 * Runs `script` as its own process with `env` on top of this one's: TypeScript through
 * tsx, or (`compiled`) its compiled JavaScript under plain node, as deployed. Its output
 * is passed on: at LOG_LEVEL=warn, warnings and errors only.
 */
export function spawnScript(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { ipc?: boolean; compiled?: boolean } = {},
): BenchProcess {
  const command = options.compiled ? [compiledScript(script)] : ['--import', 'tsx', script];
  const child = spawn(process.execPath, [...command, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    pid: child.pid!,
    rssMiB: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
    },
    cpuSeconds: () => {
      // Fields 14 and 15 of /proc/<pid>/stat (after the command in parentheses): utime, stime.
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // A process that does not stop in time must not outlive the bench.
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Resolves once `url` answers 200; fails if the process exits first or after 90 s. */
export async function waitForHealth(url: string, process: BenchProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (process.child.exitCode !== null)
      throw new Error(`${process.name} exited with ${process.child.exitCode}`);
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${process.name} did not become healthy at ${url}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Stops in reverse order whatever was started, however far the start got. */
export class Started {
  private readonly stops: (() => Promise<void>)[] = [];

  add<T extends { stop(): Promise<void> }>(thing: T): T {
    this.stops.push(() => thing.stop());
    return thing;
  }

  async stopAll(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop().catch((error) => console.error(error));
  }
}
