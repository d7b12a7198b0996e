import type { GraphQLDataSource } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type { RouterContext } from '../context';
import { deferringGateway } from './gateway';
import { deferPlugin } from './plugin';

export { acceptsDeferSpec, DEFER_SPEC } from './plugin';
export { executeIncrementallyThroughApollo } from './through-apollo';
export { withDeferDirective } from './directive';

/**
 * `@defer` in the router (router/defer/): the gateway to hand Apollo Server (it accepts
 * the directive and answers deferred queries in one part when it must) and the plugin
 * that answers them incrementally. Install the plugin after the edge's plugins.
 */
export function incrementalDelivery(
  gateway: GatewayInterface,
  sources: ReadonlyMap<string, GraphQLDataSource>,
): { gateway: GatewayInterface; plugin: ApolloServerPlugin<RouterContext> } {
  const deferring = deferringGateway(gateway);
  return {
    gateway: deferring.gateway,
    plugin: deferPlugin({ planning: deferring.planning, sources }),
  };
}
