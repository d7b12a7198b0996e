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
  /**
   * Subscriptions: the position of the last event the subscriber saw, when it resumes
   * (the router's `extensions.lastEventId`), and the position of the event being sent.
   */
  resumeAfter?: string | null;
  eventPosition?: string | null;
  /** Subscriptions: each result is the whole watched state (platform/live.ts). */
  snapshots?: boolean;
}
