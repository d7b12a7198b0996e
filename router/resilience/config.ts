import { DEFAULT_BREAKER_OPTIONS, type BreakerOptions } from './circuit-breaker';

/**
 * How the router calls one subgraph. Every value comes from the environment, with a
 * per-subgraph override where it makes sense (`<NAME>` is the subgraph's name in upper
 * case, e.g. INVENTORY_TIMEOUT_MS):
 *
 * | setting                                | default | environment                                  |
 * |----------------------------------------|---------|----------------------------------------------|
 * | deadline per call (queueing included)  | 10000   | SUBGRAPH_TIMEOUT_MS, `<NAME>_TIMEOUT_MS`     |
 * | connections (calls in flight) per subgraph | 64  | SUBGRAPH_MAX_CONNECTIONS, `<NAME>_MAX_CONNECTIONS` |
 * | consecutive failures that open the breaker | 5   | BREAKER_FAILURES                             |
 * | cool-down before a probe (ms)          | 5000    | BREAKER_COOLDOWN_MS                          |
 * | failure rate that opens it             | 0.5     | BREAKER_FAILURE_RATE                         |
 * | over this rolling window (ms)          | 30000   | BREAKER_WINDOW_MS                            |
 * | once the window holds this many calls  | 20      | BREAKER_MIN_CALLS                            |
 * | no breaker at all                      | –       | BREAKER=off                                  |
 *
 * Keep every subgraph deadline below the router's own request timeout (and the client's
 * patience): a subgraph that does not answer in time becomes an error naming it, with the
 * other subgraphs' data, instead of a request that hangs.
 */
export interface SubgraphResilience {
  timeoutMs: number;
  maxConnections: number;
  /** null: no breaker (BREAKER=off). */
  breaker: BreakerOptions | null;
}

export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 10_000;
export const DEFAULT_SUBGRAPH_MAX_CONNECTIONS = 64;

export function subgraphResilienceFromEnv(
  subgraph: string,
  defaultTimeoutMs: number = DEFAULT_SUBGRAPH_TIMEOUT_MS,
  env: NodeJS.ProcessEnv = process.env,
): SubgraphResilience {
  const prefix = subgraph.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const read = (names: string[], fallback: number, integer = true): number => {
    for (const name of names) {
      const raw = env[name];
      if (raw === undefined || raw.trim() === '') continue;
      const value = Number(raw);
      if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
        throw new Error(
          `${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`,
        );
      }
      return value;
    }
    return fallback;
  };
  const breakerOff = (env.BREAKER ?? '').toLowerCase() === 'off';
  return {
    timeoutMs: read([`${prefix}_TIMEOUT_MS`], defaultTimeoutMs),
    maxConnections: read(
      [`${prefix}_MAX_CONNECTIONS`, 'SUBGRAPH_MAX_CONNECTIONS'],
      DEFAULT_SUBGRAPH_MAX_CONNECTIONS,
    ),
    breaker: breakerOff
      ? null
      : {
          failureThreshold: read(['BREAKER_FAILURES'], DEFAULT_BREAKER_OPTIONS.failureThreshold),
          cooldownMs: read(['BREAKER_COOLDOWN_MS'], DEFAULT_BREAKER_OPTIONS.cooldownMs),
          failureRate: Math.min(
            1,
            read(['BREAKER_FAILURE_RATE'], DEFAULT_BREAKER_OPTIONS.failureRate, false),
          ),
          windowMs: read(['BREAKER_WINDOW_MS'], DEFAULT_BREAKER_OPTIONS.windowMs),
          minimumCalls: read(['BREAKER_MIN_CALLS'], DEFAULT_BREAKER_OPTIONS.minimumCalls),
        },
  };
}
