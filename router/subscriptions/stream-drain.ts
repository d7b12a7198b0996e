import { GraphQLError } from 'graphql';

/** The close code a WebSocket gets when its router stops (RFC 6455: Service Restart). */
export const RESTARTING_CLOSE = { code: 1012, reason: 'ROUTER_RESTARTING' } as const;

export function restartingError(): GraphQLError {
  return new GraphQLError('The router is restarting: subscribe again (another instance answers)', {
    extensions: { code: 'ROUTER_RESTARTING' },
  });
}

/**
 * A router that stops (SIGTERM) ends every SSE and multipart stream it holds with one
 * ROUTER_RESTARTING result after what was queued for it, so each client subscribes again
 * and a load balancer sends it to another instance; the HTTP server can then drain.
 */
export class StreamDrain {
  private readonly enders = new Set<() => void>();
  private drained = false;

  get draining(): boolean {
    return this.drained;
  }

  /** `end` is called once when the router drains (at once if it already is). */
  watch(end: () => void): void {
    if (this.drained) return end();
    this.enders.add(end);
  }

  /** `end` is not called any more (its stream ended on its own). */
  unwatch(end: () => void): void {
    this.enders.delete(end);
  }

  /** Ends every watched stream; returns how many. */
  drain(): number {
    this.drained = true;
    const ending = [...this.enders];
    this.enders.clear();
    for (const end of ending) end();
    return ending.length;
  }
}
