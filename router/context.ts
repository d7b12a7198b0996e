import type { Viewer } from '../platform/identity';

// A type alias, not an interface: graphql-sse wants a context assignable to a record.
export type RouterContext = {
  viewer: Viewer;
  requestId: string;
};
