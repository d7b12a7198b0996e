import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in front of one subgraph and answers every POST `delayMs` late, noting when each
 * answer left (performance.now() of this process), so that a test can tell what a client
 * received before that subgraph had answered.
 */
export interface SlowProxy {
  url: string;
  /** When each answer was sent, in order. */
  answeredAt: number[];
  /** Answer every POST with this HTTP status (after the delay) instead; null: pass on. */
  failWith(status: number | null): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startSlowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  const answeredAt: number[] = [];
  let failure: number | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          ([name]) => !['host', 'content-length', 'connection'].includes(name),
        ),
      ) as Record<string, string>;
      const body = req.method === 'POST' ? Buffer.concat(chunks) : undefined;
      if (req.method === 'POST' && failure !== null) {
        await new Promise((r) => setTimeout(r, delayMs));
        answeredAt.push(performance.now());
        return void res.writeHead(failure).end('unavailable');
      }
      try {
        const answer = await fetch(new URL(req.url ?? '/', target), {
          method: req.method,
          headers,
          body,
        });
        const text = Buffer.from(await answer.arrayBuffer());
        if (req.method === 'POST') await new Promise((r) => setTimeout(r, delayMs));
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
        if (req.method === 'POST') answeredAt.push(performance.now());
        res.end(text);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${new URL(target).pathname}`,
    answeredAt,
    failWith: (status) => void (failure = status),
    reset: () => {
      answeredAt.splice(0);
      failure = null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
