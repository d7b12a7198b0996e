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
