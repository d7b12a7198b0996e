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

/**
 * A random PORT_OFFSET for a whole platform a test starts (ports 4000–4010 shifted), kept
 * below the kernel's ephemeral range (32768 up), where the sockets other tests open take
 * their local ports and could already hold one of ours.
 */
export function randomPortOffset(): number {
  return 2000 + Math.floor(Math.random() * 26000);
}
