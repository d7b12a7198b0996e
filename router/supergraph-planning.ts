import { Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlannerConfig } from '@apollo/query-planner';
import { parse, type GraphQLSchema } from 'graphql';
import { correctPlanner } from './planner';

/**
 * The one planner configuration of the router: `@apollo/gateway`'s planner, the @defer
 * executor's and the subscription executor's are one object. With `enableDefer` a plan
 * holds `Defer` nodes only for operations that carry `@defer`, which the gateway's
 * executor never sees (router/defer/gateway.ts strips them first).
 */
export const PLANNER_CONFIG: QueryPlannerConfig = { incrementalDelivery: { enableDefer: true } };

type GraphQLJSOptions = Parameters<Schema['toGraphQLJSSchema']>[0];

/**
 * What the router derives from one supergraph text, built once however many parts of it
 * need it: the supergraph (with the subgraph schemas extracted from it), its API schema,
 * their graphql-js forms and the planner with its query graph. The gateway, @defer and
 * subscriptions each built their own from the same text, three times 12-16 MiB of a router
 * that should hold ten thousand subscribers in 300.
 */
export class SupergraphPlanning {
  readonly supergraph: Supergraph;
  readonly apiSchema: Schema;
  private plannerBuilt: QueryPlanner | null = null;

  constructor(readonly sdl: string) {
    // Without token locations: the schema keeps its source AST, and every token of it
    // would stay in memory for the life of the process.
    this.supergraph = Supergraph.build(parse(sdl, { noLocation: true }));
    this.apiSchema = this.supergraph.apiSchema();
    // The gateway converts both itself (its API schema and the one its executor reads):
    // the same options give it the same graphql-js schema the router's executors use.
    convertOnce(this.supergraph.schema);
    convertOnce(this.apiSchema);
  }

  get planner(): QueryPlanner {
    return (this.plannerBuilt ??= correctPlanner(
      new QueryPlanner(this.supergraph, PLANNER_CONFIG),
    ));
  }

  /**
   * The planner, given one the gateway has just built over this supergraph with
   * PLANNER_CONFIG: the first one built serves everyone, the others are dropped.
   */
  adopt(built: QueryPlanner): QueryPlanner {
    return (this.plannerBuilt ??= correctPlanner(built));
  }

  apiGraphQLSchema(options?: GraphQLJSOptions): GraphQLSchema {
    return this.apiSchema.toGraphQLJSSchema(options);
  }

  get supergraphGraphQLSchema(): GraphQLSchema {
    return this.supergraph.schema.toGraphQLJSSchema();
  }
}

/** The schema's toGraphQLJSSchema, built once per set of options. */
function convertOnce(schema: Schema): void {
  const convert = schema.toGraphQLJSSchema.bind(schema);
  const converted = new Map<string, GraphQLSchema>();
  schema.toGraphQLJSSchema = (options) => {
    const key = `${options?.includeDefer === true}/${options?.includeStream === true}`;
    let result = converted.get(key);
    if (!result) converted.set(key, (result = convert(options)));
    return result;
  };
}

// The serving supergraph and the one a reload is preparing; an older one lives on only in
// what still holds it (a request in flight, an old gateway).
const RECENT = 2;
const recent = new Map<string, SupergraphPlanning>();

/** The planning of this supergraph text; throws when it is not a valid supergraph. */
export function supergraphPlanning(sdl: string): SupergraphPlanning {
  let planning = recent.get(sdl);
  if (planning) {
    recent.delete(sdl);
  } else {
    planning = new SupergraphPlanning(sdl);
    if (recent.size >= RECENT) recent.delete(recent.keys().next().value!);
  }
  recent.set(sdl, planning);
  return planning;
}
