import type { Viewer } from '../subgraphs/kit/identity';

export interface RouterContext {
  viewer: Viewer;
  requestId: string;
}
