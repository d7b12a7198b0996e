import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../platform/logging';
import { SupergraphUrl, watchSupergraphFile } from './sources';

const log = createLogger('router-reload-test');

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SUPERGRAPH_URL polling', () => {
  let server: http.Server;
  let url: string;
  let body = 'type Query { a: Int }';
  let down = false;
  const requests: { ifNoneMatch: string | undefined; status: number }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const etag = `"${Buffer.from(body).toString('base64url').slice(0, 16)}-${body.length}"`;
      const ifNoneMatch = req.headers['if-none-match'];
      const status = down ? 503 : ifNoneMatch === etag ? 304 : 200;
      requests.push({ ifNoneMatch, status });
      if (status === 200) res.writeHead(200, { etag }).end(body);
      else res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/supergraph.graphql`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the last ETag: an unchanged supergraph is a 304 and no reload; a change is one; an outage keeps polling', async () => {
    const source = new SupergraphUrl(url, log);
    expect(await source.fetch()).toBe('type Query { a: Int }');
    const seen: string[] = [];
    source.poll(100, (sdl) => seen.push(sdl));
    try {
      await until(() => requests.length >= 3);
      expect(requests.slice(1).every((r) => r.status === 304 && r.ifNoneMatch)).toBe(true);
      expect(seen).toEqual([]);

      body = 'type Query { a: Int b: Int }';
      await until(() => seen.length === 1);
      expect(seen).toEqual(['type Query { a: Int b: Int }']);

      down = true;
      const during = requests.length;
      await until(() => requests.length >= during + 2);
      down = false;
      body = 'type Query { c: Int }';
      await until(() => seen.length === 2);
      expect(seen[1]).toBe('type Query { c: Int }');
    } finally {
      source.stop();
    }
  });
});

describe('SUPERGRAPH_PATH watching', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'supergraph-watch-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file once at start, then sees an in-place write and a rename over it', async () => {
    const file = join(dir, 'supergraph.graphql');
    writeFileSync(file, 'first');
    const seen: string[] = [];
    const stop = watchSupergraphFile(file, 200, (sdl) => seen.push(sdl), log);
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen).toEqual(['first']);
      writeFileSync(file, 'second');
      await until(() => seen.at(-1) === 'second');
      writeFileSync(join(dir, 'next'), 'third');
      renameSync(join(dir, 'next'), file);
      await until(() => seen.at(-1) === 'third');
      // Another file in the directory is no change.
      const count = seen.length;
      writeFileSync(join(dir, 'unrelated'), 'x');
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen).toHaveLength(count);
    } finally {
      stop();
    }
  });
});
