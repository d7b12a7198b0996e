import type { Viewer } from '../subgraphs/kit/identity';

/**
 * Who the caller is, from the `Authorization` header (HTTP) or connection parameter
 * (WebSocket, SSE). The identity domain fills this in with token verification; until then
 * every caller is anonymous. Whatever it returns is what the router signs for subgraphs.
 */
export function viewerFrom(_authorization: string | undefined | null): Viewer {
  return { kind: 'anonymous' };
}
