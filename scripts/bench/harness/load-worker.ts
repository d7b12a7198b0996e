/**
 * The load process: `clients` loops of a workload (workloads.ts) against one target at a
 * time, on an undici pool of keep-alive connections from LOAD_ADDRESS. The parent
 * (load.ts) sends `{ run }` over IPC and gets back the samples of that run.
 */
import { Pool } from 'undici';
import { stepOf, type WorkloadSpec } from './workloads';

export interface RunRequest {
  url: string;
  workload: WorkloadSpec;
  clients: number;
  seconds: number;
  localAddress: string;
}

export interface RunResult {
  samples: number[];
  errors: Record<string, number>;
  elapsedSeconds: number;
}

const pools = new Map<string, Pool>();

function poolFor(request: RunRequest): Pool {
  const key = `${request.url} ${request.clients}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(new URL(request.url).origin, {
      connections: request.clients,
      pipelining: 1,
      localAddress: request.localAddress,
    });
    pools.set(key, pool);
  }
  return pool;
}

async function run(request: RunRequest): Promise<RunResult> {
  const pool = poolFor(request);
  const step = stepOf(request.workload);
  const samples: number[] = [];
  const errors: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + request.seconds * 1000;
  // A loop started before the deadline finishes its step; its sample counts.
  const client = async () => {
    while (performance.now() < deadline) {
      const outcome = await step(pool);
      if ('ms' in outcome) samples.push(outcome.ms);
      else errors[outcome.error] = (errors[outcome.error] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: request.clients }, client));
  return { samples, errors, elapsedSeconds: (performance.now() - started) / 1000 };
}

process.on('message', (message: { run?: RunRequest; id?: number }) => {
  if (!message.run) return;
  run(message.run).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: String(error) }),
  );
});
process.on('disconnect', () => {
  void Promise.all([...pools.values()].map((pool) => pool.close())).finally(() => process.exit(0));
});
process.send!({ ready: true });
