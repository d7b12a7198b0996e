import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  query: string;
  variables: Record<string, unknown>;
}

/** What the fake answers: `data`, GraphQL `errors`, or an HTTP failure (an outage). */
export type FakeAnswer =
  { data: Record<string, unknown> } | { errors: { message: string }[] } | { status: number };

export interface FakeSubgraph {
  url: string;
  /** Every request received, in order. */
  requests: FakeRequest[];
  stop(): Promise<void>;
}

/**
 * A stand-in for a fellow subgraph in a subgraph's own tests: answers each service call
 * with what `answer` decides, so a test can say "catalog knows this SKU" or "orders is
 * down" without starting that subgraph. End-to-end tests use the real ones.
 */
export async function startFakeSubgraph(
  answer: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>,
): Promise<FakeSubgraph> {
  const requests: FakeRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeRequest;
        const request = { query: body.query, variables: body.variables ?? {} };
        requests.push(request);
        const result = await answer(request);
        if ('status' in result) {
          res.writeHead(result.status).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
