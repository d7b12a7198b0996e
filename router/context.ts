import type { Viewer } from '../subgraphs/kit/identity';

// A type alias, not an interface: graphql-sse wants a context assignable to a record.
export type RouterContext = {
  viewer: Viewer;
  requestId: string;
};
