import type { VerifiedCaller } from '../platform/auth/verify-token';
import type { Viewer } from '../platform/identity';

/** What the router knows of a request when it decides who the caller is. */
export interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
}

/**
 * Who the caller is: the verified access token (router/auth), with the client IP. Every
 * transport asks it (HTTP per request, WebSocket at connect, SSE and multipart per
 * stream); whatever it returns is what the router signs for the subgraphs.
 */
export type ViewerResolver = (request: RequestLike) => Promise<Viewer>;

/**
 * The same, with the token's session, for transports that hold a connection open and
 * must end it when the session does. Throws 401 UNAUTHENTICATED for a revoked session.
 */
export type CallerResolver = (request: RequestLike) => Promise<VerifiedCaller>;
