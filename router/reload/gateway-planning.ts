import type { ApolloGateway } from '@apollo/gateway';
import type { Supergraph } from '@apollo/federation-internals';
import type { QueryPlanner } from '@apollo/query-planner';
import { correctGatewayPlanners } from '../planner';
import { supergraphPlanning, type SupergraphPlanning } from '../supergraph-planning';

/** The two steps of @apollo/gateway 2.x's schema load this file takes over. */
interface GatewaySchemaLoading {
  createSchemaFromSupergraphSdl(sdl: string): { supergraph: Supergraph; supergraphSdl: string };
  createServices(services: ReturnType<Supergraph['subgraphsMetadata']>): void;
}

/**
 * Makes the gateway plan on the router's shared supergraph (router/supergraph-planning.ts)
 * instead of parsing, extracting and converting the same text once more: its supergraph,
 * its API schema, their graphql-js forms and its planner are the objects @defer and the
 * subscriptions use. The gateway still builds a planner on each load (nothing lets one in
 * from outside); the first one built over a supergraph serves, the others are dropped, and
 * every one carries the router's corrections (router/planner). The gateway must have been
 * made with `queryPlannerConfig: PLANNER_CONFIG`. Call it before the gateway is loaded.
 */
export function planOnSharedSupergraph(gateway: ApolloGateway): void {
  const loading = gateway as unknown as GatewaySchemaLoading;
  let current: SupergraphPlanning | null = null;
  loading.createSchemaFromSupergraphSdl = (sdl) => {
    current = supergraphPlanning(sdl);
    loading.createServices(current.supergraph.subgraphsMetadata());
    return { supergraph: current.supergraph, supergraphSdl: sdl };
  };
  correctGatewayPlanners(gateway, (built: QueryPlanner) => current?.adopt(built) ?? built);
}
