import type { ApolloServerPlugin } from '@apollo/server';
import type { Express, RequestHandler } from 'express';
import type { GraphQLError } from 'graphql';
import type { Viewer } from '../../platform/identity';
import type { RouterContext } from '../context';
import type { RouterConfig } from '../config';
import type { SubgraphCallObserver } from '../subgraph-source';
import { observability } from './observability';
import { inputHygiene } from './input';
import { operationLimits } from './limits';
import { persistedOperations } from './persisted';
import { security } from './security';
import { playground } from './playground';
import { rateLimiting } from './ratelimit';
import type { DeclaredListSizes } from '../supergraph';
import type { SchemaReloadObserver } from '../reload/reloader';
import { legacyJsonStatus } from './status';

/**
 * What the router does at the edge, beyond planning and executing: limits, security
 * headers, rate limits, metrics, logs, the playground. Each concern is a module of its own
 * under router/edge/ that contributes to one or more of these lists; server.ts installs
 * them in this order and knows nothing else about them.
 */
export interface EdgeContext {
  config: RouterConfig;
  /** The client-facing schema's SDL, for features that read it (cost, playground). */
  apiSdl: string;
  /** The list sizes the supergraph declares (`@listSize`), for the cost. */
  listSizes: DeclaredListSizes;
  subgraphNames: string[];
  /** Be told of every call to a subgraph: which, how long, how it ended, for which request. */
  observeSubgraphCalls(observer: SubgraphCallObserver): void;
  /** Subscriptions open right now on this router, over every transport (for metrics). */
  activeSubscriptions?(): number;
  /** Subgraph subscriptions held for them (clients of one stream share one). */
  subscriptionUpstreams?(): number;
  /** Be told of every supergraph reload tried, applied or refused (router/reload). */
  observeSchemaReloads?(observer: SchemaReloadObserver): void;
}

/** One router's share of an edge concern: its state lives as long as that router. */
export interface EdgeParts {
  /** Express middleware run before any GraphQL handling, in order (CORS, rate limits, ...). */
  middleware?: RequestHandler[];
  /** Apollo Server plugins (operation limits, persisted queries, metrics, logging, ...). */
  plugins?: ApolloServerPlugin<RouterContext>[];
  /** Extra routes beside /graphql (/metrics, the playground, ...). */
  routes?(app: Express): void;
  /** Released when the router stops (timers, Redis connections). */
  close?(): Promise<void>;
  /**
   * Operations that pass neither the Express middleware nor Apollo's plugins (each message
   * on a WebSocket, subscriptions on every transport): may this one run? An error refuses it.
   */
  admit?(operation: OperationAdmission): Promise<GraphQLError | null>;
}

/** One operation outside the HTTP pipeline, and which of the usual counts it has not had yet. */
export interface OperationAdmission {
  viewer: Viewer;
  /** Count it against the client IP (a WebSocket message; an HTTP stream was counted already). */
  perIp: boolean;
  /** Count it against the verified user (subscriptions; queries reach Apollo's plugins). */
  perUser: boolean;
}

/** An edge concern: called once per router, with that router's context. */
export type EdgeModule = (edge: EdgeContext) => EdgeParts;

/** The edge modules, in the order they run. */
export const edgeModules: EdgeModule[] = [
  observability, // first: its middleware sees every request, even those rejected later
  security, // CORS (preflight answered here), security headers, production schema hiding
  rateLimiting(), // per IP before any parsing; per user and cost once the token is verified
  persistedOperations, // safelist before limits: an unlisted operation is refused as such
  operationLimits, // body limit, depth, aliases, cost...: before planning and any subgraph
  inputHygiene, // control characters in string arguments and variables, before any subgraph
  playground,
  legacyJsonStatus, // 200 for request errors to clients that accept only application/json
];

export function installEdge(
  edge: EdgeContext,
): Required<Omit<EdgeParts, 'routes'>> & { routes(app: Express): void } {
  const parts = edgeModules.map((module) => module(edge));
  return {
    admit: async (operation) => {
      for (const p of parts) {
        const refused = await p.admit?.(operation);
        if (refused) return refused;
      }
      return null;
    },
    middleware: parts.flatMap((p) => p.middleware ?? []),
    plugins: parts.flatMap((p) => p.plugins ?? []),
    routes: (app) => parts.forEach((p) => p.routes?.(app)),
    close: async () => {
      for (const p of parts) await p.close?.();
    },
  };
}
