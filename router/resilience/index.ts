/**
 * How the router survives its subgraphs: a deadline per call, a bounded keep-alive pool
 * and a circuit breaker per subgraph (settings in config.ts). A subgraph that cannot answer
 * becomes an UPSTREAM_UNAVAILABLE error naming it (`dependency`), beside the healthy subgraphs' data
 * (router/subgraph-source.ts).
 */
export {
  CircuitBreaker,
  DEFAULT_BREAKER_OPTIONS,
  type BreakerOptions,
  type BreakerSnapshot,
  type BreakerState,
} from './circuit-breaker';
export { ConnectionLimiter } from './connection-limiter';
export {
  subgraphResilienceFromEnv,
  DEFAULT_SUBGRAPH_MAX_CONNECTIONS,
  DEFAULT_SUBGRAPH_TIMEOUT_MS,
  type SubgraphResilience,
} from './config';
export {
  resilientFetch,
  subgraphUnavailableError,
  SubgraphUnavailableError,
  SubgraphResponse,
  logBreakerChange,
  type ResilientFetch,
  type UnavailableReason,
} from './resilient-fetch';
