import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import type {
  GatewayExecutor,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
  GatewayUnsubscriber,
} from '@apollo/server-gateway-interface';
import type { GraphQLSchema } from 'graphql';
import { PLANNER_CONFIG } from '../supergraph-planning';
import { planOnSharedSupergraph } from './gateway-planning';

/** A gateway built for one supergraph, loaded but not serving yet. */
export interface PreparedGateway {
  apiSchema: GraphQLSchema;
  sdl: string;
  executor: GatewayExecutor;
  gateway: ApolloGateway;
}

/**
 * Apollo Server's gateway, whose supergraph can be replaced while it serves. Each
 * supergraph gets an ApolloGateway of its own (its planner and plan cache), built and
 * loaded beside the serving one; `activate` hands Apollo Server the new API schema in one
 * synchronous step. A request is executed by the gateway of the schema Apollo Server
 * validated it against (`requestContext.schema`): a query in flight during a swap finishes
 * on the plan it started with, and no request is validated on one schema and planned on
 * another. An old gateway is kept only as long as a request still holds its schema.
 */
export class ReloadableGateway implements GatewayInterface {
  private current: PreparedGateway | null = null;
  private readonly bySchema = new WeakMap<GraphQLSchema, GatewayExecutor>();
  private readonly listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();

  constructor(
    private readonly initial: PreparedGateway,
    private readonly buildService: (name: string) => GraphQLDataSource,
  ) {}

  /** Builds and loads a gateway for `sdl`; throws when it does not load (the old one serves on). */
  static async prepare(
    sdl: string,
    buildService: (name: string) => GraphQLDataSource,
  ): Promise<PreparedGateway> {
    const gateway = new ApolloGateway({
      supergraphSdl: sdl,
      buildService: ({ name }) => buildService(name),
      queryPlannerConfig: PLANNER_CONFIG,
    });
    // Before the gateway loads the schema: it plans on the router's shared supergraph,
    // and every planner it builds gets the corrections.
    planOnSharedSupergraph(gateway);
    let apiSchema: GraphQLSchema | null = null;
    gateway.onSchemaLoadOrUpdate((event) => (apiSchema = event.apiSchema));
    const { executor } = await gateway.load();
    if (!apiSchema) throw new Error('the gateway loaded without a schema');
    return { apiSchema, sdl, executor, gateway };
  }

  prepare(sdl: string): Promise<PreparedGateway> {
    return ReloadableGateway.prepare(sdl, this.buildService);
  }

  /** From now on Apollo Server validates new requests against this one's schema. */
  activate(next: PreparedGateway): void {
    this.current = next;
    this.bySchema.set(next.apiSchema, next.executor);
    for (const listener of this.listeners)
      listener({ apiSchema: next.apiSchema, coreSupergraphSdl: next.sdl });
  }

  async load(): Promise<GatewayLoadResult> {
    this.activate(this.initial);
    return {
      executor: (requestContext) => {
        const executor = this.bySchema.get(requestContext.schema) ?? this.current!.executor;
        return executor(requestContext);
      },
    };
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): GatewayUnsubscriber {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  async stop(): Promise<void> {
    await this.current?.gateway.stop();
  }
}
