import { join } from 'node:path';
import { summarize } from '../stats';
import type { RunRequest, RunResult } from './load-worker';
import { LOAD_ADDRESS } from './platform';
import { spawnScript, type BenchProcess } from './processes';
import type { WorkloadSpec } from './workloads';

/** Something the load is pointed at, and the processes whose CPU it costs. */
export interface Target {
  url: string;
  workload: WorkloadSpec;
  /** CPU of these processes is reported per request (the gateway under test, say). */
  measure?: BenchProcess[];
}

export interface Round {
  requestsPerSecond: number;
  /** CPU milliseconds per request of the target's measured processes. */
  cpuMsPerRequest: number | null;
  result: RunResult;
}

/** The load process (load-worker.ts), separate from every process it measures. */
export interface LoadProcess {
  run(target: Target, clients: number, seconds: number): Promise<Round>;
  stop(): Promise<void>;
}

export async function startLoadProcess(): Promise<LoadProcess> {
  const process = spawnScript('load', join(__dirname, 'load-worker.ts'), [], {}, { ipc: true });
  await new Promise<void>((resolve, reject) => {
    process.child.once('message', () => resolve());
    process.child.once('exit', (code) => reject(new Error(`load process exited with ${code}`)));
  });
  let next = 0;
  const ask = (request: RunRequest): Promise<RunResult> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const onMessage = (message: { id?: number; result?: RunResult; error?: string }) => {
        if (message.id !== id) return;
        process.child.off('message', onMessage);
        if (message.error) reject(new Error(message.error));
        else resolve(message.result!);
      };
      process.child.on('message', onMessage);
      process.child.send({ id, run: request });
    });
  return {
    async run(target, clients, seconds) {
      const cpuBefore = (target.measure ?? []).reduce((sum, p) => sum + p.cpuSeconds(), 0);
      const result = await ask({
        url: target.url,
        workload: target.workload,
        clients,
        seconds,
        localAddress: LOAD_ADDRESS,
      });
      const cpu = (target.measure ?? []).reduce((sum, p) => sum + p.cpuSeconds(), 0) - cpuBefore;
      const n = result.samples.length;
      return {
        requestsPerSecond: round1(n / result.elapsedSeconds),
        cpuMsPerRequest: target.measure?.length && n ? round1((cpu * 1000) / n) : null,
        result,
      };
    },
    stop: () => {
      process.child.disconnect();
      return process.stop();
    },
  };
}

/**
 * `rounds` rounds of `seconds` per target, the targets taking turns within each round (so
 * that a busy moment on the machine is shared out rather than landing on one of them),
 * after one warm-up run each. Prints each run as it ends.
 */
export async function interleavedRounds(
  load: LoadProcess,
  targets: Record<string, Target>,
  options: { clients: number; seconds: number; warmupSeconds: number; rounds: number },
): Promise<Record<string, Round[]>> {
  if (options.warmupSeconds > 0)
    for (const target of Object.values(targets))
      await load.run(target, options.clients, options.warmupSeconds);
  const rounds: Record<string, Round[]> = Object.fromEntries(
    Object.keys(targets).map((name) => [name, []]),
  );
  for (let i = 1; i <= options.rounds; i++) {
    for (const [name, target] of Object.entries(targets)) {
      const round = await load.run(target, options.clients, options.seconds);
      rounds[name]!.push(round);
      const errors = Object.values(round.result.errors).reduce((a, b) => a + b, 0);
      console.log(
        `round ${i} ${name}: ${round.requestsPerSecond}/s, p50 ${summarize(round.result.samples).p50} ms` +
          (round.cpuMsPerRequest !== null ? `, ${round.cpuMsPerRequest} ms CPU each` : '') +
          (errors ? `, ${errors} errors` : ''),
      );
    }
  }
  return rounds;
}

/** min / median / max of the rounds' throughput, latency over every sample, errors summed. */
export function summarizeRounds(rounds: Round[]) {
  const rates = rounds.map((r) => r.requestsPerSecond).sort((a, b) => a - b);
  const cpu = rounds
    .map((r) => r.cpuMsPerRequest)
    .filter((c): c is number => c !== null)
    .sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const round of rounds)
    for (const [code, n] of Object.entries(round.result.errors))
      errors[code] = (errors[code] ?? 0) + n;
  return {
    perSecond: { min: rates[0]!, median: median(rates), max: rates.at(-1)! },
    perRound: rounds.map((r) => r.requestsPerSecond),
    ...(cpu.length
      ? { cpuMsPerRequest: { min: cpu[0]!, median: median(cpu), max: cpu.at(-1)! } }
      : {}),
    latencyMs: summarize(rounds.flatMap((r) => r.result.samples)),
    errors,
  };
}

/** Median throughput of `a` over `b`, and the range of round-by-round ratios. */
export function ratio(a: Round[], b: Round[]) {
  const perRound = a
    .map((round, i) => round.requestsPerSecond / b[i]!.requestsPerSecond)
    .sort((x, y) => x - y);
  return {
    medianThroughput: round2(
      median(a.map((r) => r.requestsPerSecond)) / median(b.map((r) => r.requestsPerSecond)),
    ),
    roundByRound: { min: round2(perRound[0]!), max: round2(perRound.at(-1)!) },
  };
}

function median(sorted: number[]): number {
  const s = [...sorted].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : round1((s[mid - 1]! + s[mid]!) / 2);
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
