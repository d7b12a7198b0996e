import type { Viewer } from '../../platform/identity';
import type { RequestLike } from '../viewer';
import { clientIpFrom, viewerWithClientIp } from './client-ip';
import type { SessionGuard } from './sessions';
import {
  type TokenVerifier,
  type VerifiedCaller,
  tokenVerifierFromEnv,
} from '../../platform/auth/verify-token';

export { clientIpFrom, viewerWithClientIp } from './client-ip';
export { SESSION_CLOSE, SessionGuard, sessionEndedError, type SessionEnd } from './sessions';
export {
  createTokenVerifier,
  tokenVerifierFromEnv,
  type TokenVerifier,
  type TokenVerifierOptions,
} from '../../platform/auth/verify-token';

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
  const callerOf = createCallerHook(verifier, null, trustedProxyHops);
  return async (request: RequestLike): Promise<Viewer> => (await callerOf(request)).viewer;
}

/**
 * The viewer and the token's session; with a SessionGuard, a token whose session was
 * revoked (logout, refresh-token reuse, deactivated staff) is refused 401 UNAUTHENTICATED.
 */
export function createCallerHook(
  verifier: TokenVerifier,
  guard: SessionGuard | null,
  trustedProxyHops?: number,
) {
  return async (request: RequestLike): Promise<VerifiedCaller> => {
    const header = request.headers.authorization;
    const caller = await verifier.verifyCaller(Array.isArray(header) ? header[0] : header);
    if (guard) await guard.check(caller.session);
    return {
      viewer: viewerWithClientIp(caller.viewer, clientIpFrom(request, trustedProxyHops)),
      session: caller.session,
    };
  };
}
