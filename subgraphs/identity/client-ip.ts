import type { Viewer } from '../../platform/identity';
import { validIp } from './domain/validation';

/**
 * The client IP the router vouches for, used by login throttling and the audit log. It
 * arrives inside the router-signed viewer; subgraphs never read client headers, which
 * anyone could forge. Without it, per-IP throttling is skipped (per-account applies).
 */
export function clientIpOf(ctx: { viewer: Viewer }): string | null {
  return validIp(ctx.viewer.clientIp);
}
