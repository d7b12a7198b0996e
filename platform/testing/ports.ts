import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now, for a server a test starts of its own. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The default ports a whole platform listens on: the apps' 3000 and 3001 to the last subgraph's. */
const PLATFORM_PORTS = { first: 3000, last: 4020 };

/**
 * A random PORT_OFFSET for a whole platform a test starts (its default ports shifted),
 * kept below the kernel's ephemeral range (32768 up), where the sockets other tests open
 * take their local ports and could already hold one of ours, and such that no shifted port
 * is one a server on this machine listens on now (PostgreSQL's 5432, Redis's 6379, ...):
 * an offset that put a subgraph on 6379 once failed `npm start`'s test with EADDRINUSE.
 */
export function randomPortOffset(): number {
  const taken = listeningPorts();
  for (;;) {
    const offset = 2000 + Math.floor(Math.random() * 26000);
    let clear = true;
    for (let port = PLATFORM_PORTS.first; clear && port <= PLATFORM_PORTS.last; port++)
      clear = !taken.has(port + offset);
    if (clear) return offset;
  }
}

/** TCP ports in LISTEN state on this machine, from Linux's /proc (none elsewhere). */
function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local) ports.add(parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  return ports;
}
