import type { Viewer } from '../../platform/identity';
import { clientIpFrom, viewerWithClientIp } from './client-ip';
import { type TokenVerifier, tokenVerifierFromEnv } from '../../platform/auth/verify-token';

export { clientIpFrom, viewerWithClientIp } from './client-ip';
export {
  createTokenVerifier,
  tokenVerifierFromEnv,
  type TokenVerifier,
  type TokenVerifierOptions,
} from '../../platform/auth/verify-token';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
}

/**
 * The router's viewer hook (replaces router/viewer.ts's `viewerFrom`): verifies the bearer
 * token and adds the client IP identity uses for throttling. Throws a 401
 * UNAUTHENTICATED GraphQLError for an invalid token; no header means anonymous.
 *
 *   const viewerOf = createViewerHook(tokenVerifierFromEnv());
 *   context: async ({ req }) => ({ viewer: await viewerOf(req), requestId })
 *
 * For WebSocket / SSE, pass the connection parameter as the authorization value:
 *   viewerOf({ headers: { authorization: params.authorization }, socket: request.socket })
 */
export function createViewerHook(
  verifier: TokenVerifier = tokenVerifierFromEnv(),
  trustedProxyHops?: number,
) {
  return async (request: RequestLike): Promise<Viewer> => {
    const header = request.headers.authorization;
    const viewer = await verifier.verify(Array.isArray(header) ? header[0] : header);
    return viewerWithClientIp(viewer, clientIpFrom(request, trustedProxyHops));
  };
}
