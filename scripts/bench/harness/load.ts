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
  /** The same, process by process (by BenchProcess name). */
  cpuMsPerRequestByProcess: Record<string, number>;
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
      const measured = target.measure ?? [];
      const before = measured.map((p) => p.cpuSeconds());
      const result = await ask({
        url: target.url,
        workload: target.workload,
        clients,
        seconds,
        localAddress: LOAD_ADDRESS,
      });
      const used = measured.map((p, i) => p.cpuSeconds() - before[i]!);
      const cpu = used.reduce((sum, seconds) => sum + seconds, 0);
      const n = result.samples.length;
      return {
        requestsPerSecond: round1(n / result.elapsedSeconds),
        cpuMsPerRequest: measured.length && n ? round1((cpu * 1000) / n) : null,
        cpuMsPerRequestByProcess: n
          ? Object.fromEntries(measured.map((p, i) => [p.name, round1((used[i]! * 1000) / n)]))
          : {},
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
  const names = Object.keys(rounds[0]?.cpuMsPerRequestByProcess ?? {});
  // Heaviest first, processes under 0.5 ms left out: where the CPU of a request goes.
  const byProcess = names
    .map(
      (name) => [name, median(rounds.map((r) => r.cpuMsPerRequestByProcess[name] ?? 0))] as const,
    )
    .filter(([, ms]) => ms >= 0.5)
    .sort((a, b) => b[1] - a[1]);
  return {
    perSecond: { min: rates[0]!, median: median(rates), max: rates.at(-1)! },
    perRound: rounds.map((r) => r.requestsPerSecond),
    ...(cpu.length
      ? { cpuMsPerRequest: { min: cpu[0]!, median: median(cpu), max: cpu.at(-1)! } }
      : {}),
    ...(byProcess.length > 1 ? { cpuMsPerRequestByProcess: Object.fromEntries(byProcess) } : {}),
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
