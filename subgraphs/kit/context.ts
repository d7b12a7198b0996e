import type { Viewer } from './identity';

/** What every resolver receives: who is asking, the domain services, this request's loaders. */
export interface SubgraphContext<Services, Loaders> {
  viewer: Viewer;
  requestId: string;
  services: Services;
  loaders: Loaders;
}
