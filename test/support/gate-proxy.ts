import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in front of one subgraph and passes calls on to it, counting them. While
 * `hold(n)` is set, a call waits until n calls are waiting (or `maxWaitMs` passed, so a
 * test that sends fewer still ends), which makes "at the same time" certain: each held
 * call is in flight while the others arrive. `failWith(status)` answers held calls with
 * that status instead of passing them on.
 */
export interface GateProxy {
  url: string;
  /** Bodies of the calls received since the last `reset`. */
  bodies: string[];
  hold(count: number, maxWaitMs?: number): void;
  failWith(status: number | null): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startGateProxy(target: string): Promise<GateProxy> {
  const bodies: string[] = [];
  let holdFor = 0;
  let maxWait = 2000;
  let failure: number | null = null;
  let waiting: (() => void)[] = [];
  const releaseAll = () => {
    const released = waiting;
    waiting = [];
    for (const release of released) release();
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST') return void pass(req, res, body);
      bodies.push(body);
      const held = new Promise<void>((release) => {
        if (holdFor <= 1) return release();
        waiting.push(release);
        if (waiting.length >= holdFor) releaseAll();
        else setTimeout(releaseAll, maxWait).unref();
      });
      void held.then(async () => {
        if (failure !== null) return void res.writeHead(failure).end('unavailable');
        await pass(req, res, body);
      });
    });
  });
  const pass = async (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name]) => !['host', 'content-length', 'connection'].includes(name),
      ),
    ) as Record<string, string>;
    // Same path and method (identity's key set is a GET beside /graphql).
    const answer = await fetch(new URL(req.url ?? '/', target), {
      method: req.method,
      headers,
      ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body }),
    });
    res
      .writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      })
      .end(await answer.text());
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    bodies,
    hold: (count, maxWaitMs = 2000) => {
      holdFor = count;
      maxWait = maxWaitMs;
    },
    failWith: (status) => {
      failure = status;
    },
    reset: () => {
      bodies.length = 0;
      holdFor = 0;
      failure = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        releaseAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
