import { isIP } from 'node:net';
import type { Viewer } from '../../platform/identity';
import { loadConfig, setting } from '../../platform/config';

/**
 * The caller's IP for identity's login throttling and audit log. Behind a load balancer
 * the socket address is the balancer's: set TRUSTED_PROXY_HOPS to the number of proxies
 * in front of the router, and the address that many hops from the right of
 * X-Forwarded-For is used (never the leftmost, which the client controls).
 */
/** TRUSTED_PROXY_HOPS, read once: it is asked on every request. */
let hopsFromEnv: number | undefined;
export function trustedProxyHopsFromEnv(): number {
  hopsFromEnv ??= loadConfig({
    TRUSTED_PROXY_HOPS: setting.int(0, { min: 0, max: 10 }),
  }).TRUSTED_PROXY_HOPS;
  return hopsFromEnv;
}

export function clientIpFrom(
  request: {
    headers: Record<string, string | string[] | undefined>;
    socket?: { remoteAddress?: string };
  },
  trustedProxyHops = trustedProxyHopsFromEnv(),
): string | null {
  const socket = normalize(request.socket?.remoteAddress);
  if (!trustedProxyHops) return socket;
  const header = request.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => normalize(part.trim()))
    .filter((part): part is string => part !== null);
  return chain[chain.length - trustedProxyHops] ?? chain[0] ?? socket;
}

function normalize(value: string | undefined | null): string | null {
  if (!value) return null;
  const ip = value.startsWith('::ffff:') && isIP(value.slice(7)) === 4 ? value.slice(7) : value;
  return isIP(ip) ? ip : null;
}

/**
 * The viewer to sign for subgraphs, carrying the client IP as an extra signed field that
 * identity reads (subgraphs/identity/client-ip.ts). Other subgraphs ignore it.
 */
export function viewerWithClientIp(viewer: Viewer, clientIp: string | null): Viewer {
  return clientIp ? { ...viewer, clientIp } : viewer;
}
