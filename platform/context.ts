import type { Viewer } from './identity';

/** What every resolver receives: who is asking, the domain services, this request's loaders. */
export interface SubgraphContext<Services, Loaders> {
  viewer: Viewer;
  requestId: string;
  services: Services;
  loaders: Loaders;
  /**
   * A subscription keeps one context for its whole life; each event starts with fresh
   * loaders (see platform/live.ts), or it would be served the first event's cached rows.
   */
  refreshLoaders(): void;
}
