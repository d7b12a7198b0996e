import type { TokenSession } from '../platform/auth/verify-token';
import type { Viewer } from '../platform/identity';

// A type alias, not an interface: graphql-sse wants a context assignable to a record.
export type RouterContext = {
  viewer: Viewer;
  requestId: string;
  /** The access token's session, for transports that re-check it while a stream is open. */
  session?: TokenSession | null;
};
