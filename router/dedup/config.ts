/**
 * Request deduplication (router/dedup), each half on unless switched off:
 *
 * | what                                                        | environment           | default |
 * |-------------------------------------------------------------|-----------------------|---------|
 * | identical concurrent queries of one viewer run once         | ROUTER_DEDUP_INBOUND  | on      |
 * | identical concurrent subgraph fetches for one viewer: one call | ROUTER_DEDUP_OUTBOUND | on   |
 *
 * `off`, `false` or `0` turn one off.
 */
export interface DedupConfig {
  inbound: boolean;
  outbound: boolean;
}

export function dedupConfigFromEnv(env: NodeJS.ProcessEnv = process.env): DedupConfig {
  const on = (name: string) =>
    !['off', 'false', '0'].includes((env[name] ?? '').trim().toLowerCase());
  return { inbound: on('ROUTER_DEDUP_INBOUND'), outbound: on('ROUTER_DEDUP_OUTBOUND') };
}
