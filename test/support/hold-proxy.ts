import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in front of one subgraph; while `hold()` is on, every call waits at the proxy
 * until `release()`, so a test can keep a query in flight for as long as it needs.
 */
export interface HoldProxy {
  url: string;
  hold(): void;
  release(): void;
  /** Calls waiting now. */
  waiting(): number;
  close(): Promise<void>;
}

export async function startHoldProxy(target: string): Promise<HoldProxy> {
  let holding = false;
  let waiting: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (holding) await new Promise<void>((resolve) => waiting.push(resolve));
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'content-length', 'connection'].includes(name),
        ),
      ) as Record<string, string>;
      try {
        const answer = await fetch(new URL(req.url ?? '/', target), {
          method: req.method,
          headers,
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
        });
        const body = Buffer.from(await answer.arrayBuffer());
        res
          .writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          })
          .end(body);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    hold: () => (holding = true),
    release: () => {
      holding = false;
      for (const resolve of waiting.splice(0)) resolve();
      waiting = [];
    },
    waiting: () => waiting.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
