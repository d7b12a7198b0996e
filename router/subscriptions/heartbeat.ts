import type { WebSocket } from 'ws';

/** Sockets pinged whose pong has not come back yet. */
const awaitingPong = new WeakSet<object>();

// One function for every socket, not a closure each: `this` is the socket that answered.
function answered(this: object): void {
  awaitingPong.delete(this);
}

/** Has `socket` answer the heartbeat's pings (once per socket, when it opens). */
export function joinHeartbeat(socket: WebSocket): void {
  socket.on('pong', answered);
}

/**
 * One timer pings every open socket each `intervalMs`; a socket that has not answered the
 * previous ping by then is dropped (its peer is gone without a close). graphql-ws's own
 * keep-alive keeps an interval, a timeout and their closures per socket instead: ten
 * thousand of each on a busy router.
 */
export function startHeartbeat(sockets: Iterable<WebSocket>, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const socket of sockets) {
      if (socket.readyState !== socket.OPEN) continue;
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
