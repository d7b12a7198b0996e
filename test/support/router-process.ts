import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { signingSecret } from '../../platform/identity';
import { freePort } from '../../platform/testing/ports';
import { subgraphUrlVariable } from '../../platform/config';

/** Memory of the router process after a full garbage collection, in MiB. */
export interface RouterMemory {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
}

export interface RouterProcess {
  url: string;
  port: number;
  pid: number;
  /** Collects garbage in the router process, then reports its memory. */
  memory(): Promise<RouterMemory>;
  /** Subscriptions the router holds open right now (its own gauge). */
  activeSubscriptions(): Promise<number>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/** What a router process of a test runs with: its port, the test's subgraphs and secret. */
export function routerProcessEnv(
  port: number,
  subgraphUrls: Record<string, string>,
  env: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    ROUTER_PORT: String(port),
    HOST: '127.0.0.1',
    // The subgraphs of this test verify with this process's secret.
    ROUTER_SIGNING_SECRET: signingSecret(),
    ...Object.fromEntries(
      Object.entries(subgraphUrls).map(([name, url]) => [subgraphUrlVariable(name), url]),
    ),
    ...env,
  };
}

/**
 * The router in a process of its own (router-child.ts: `startRouter` as router/main.ts
 * runs it, plus a channel to ask for a GC and memory figures), so that what it holds is
 * measured alone, and a test may break what it depends on and read its logs.
 */
export async function spawnRouterProcess(
  subgraphUrls: Record<string, string>,
  env: Record<string, string | undefined> = {},
): Promise<RouterProcess> {
  const port = await freePort();
  const logs: string[] = [];
  const child: ChildProcess = fork(join(__dirname, 'router-child.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: routerProcessEnv(port, subgraphUrls, env),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <T>(question: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: { answer?: string; value?: T }) => {
        if (message.answer !== question) return;
        child.off('message', onMessage);
        resolve(message.value as T);
      };
      child.on('message', onMessage);
      child.send({ ask: question }, (error) => error && reject(error));
    });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: { ready?: boolean }) => {
      if (message.ready) resolve();
    };
    child.on('message', onMessage);
    void exited.then(() => reject(new Error(`router exited while starting:\n${logs.join('')}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    pid: child.pid!,
    memory: () => ask<RouterMemory>('memory'),
    activeSubscriptions: () => ask<number>('activeSubscriptions'),
    output: () => logs.join(''),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
