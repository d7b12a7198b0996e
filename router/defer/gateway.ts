import { createHash } from 'node:crypto';
import type { Schema } from '@apollo/federation-internals';
import type { QueryPlanner } from '@apollo/query-planner';
import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import { getOperationAST, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { createLogger } from '../../platform/logging';
import { supergraphPlanning } from '../supergraph-planning';
import { usesDefer, withDeferDirective, withoutDefer, withoutDeferDirective } from './directive';

const log = createLogger('router.defer');

/** What executing a deferred plan needs, for the supergraph the gateway serves now. */
export interface DeferPlanning {
  /** A planner with `incrementalDelivery.enableDefer`: its plans hold `Defer` nodes. */
  planner: QueryPlanner;
  /** The API schema (federation-internals' form, which knows `@defer`), for operations. */
  apiSchema: Schema;
  apiGraphQLSchema: GraphQLSchema;
  supergraphGraphQLSchema: GraphQLSchema;
}

export function deferPlanning(supergraphSdl: string): DeferPlanning {
  // The gateway's own planner and schemas (router/supergraph-planning.ts): it is built
  // with `enableDefer`, and the gateway itself is only ever handed undeferred queries.
  const planning = supergraphPlanning(supergraphSdl);
  return {
    planner: planning.planner,
    apiSchema: planning.apiSchema,
    apiGraphQLSchema: planning.apiGraphQLSchema({ includeDefer: true }),
    supergraphGraphQLSchema: planning.supergraphGraphQLSchema,
  };
}

/**
 * The gateway, able to take `@defer`. @apollo/gateway refuses the directive (its API
 * schema does not declare it, and its executor asserts on `Defer` plan nodes), so:
 *
 * - the schema Apollo Server validates with declares `@defer`;
 * - a deferred query that reaches the gateway's executor (the client accepts no
 *   incremental delivery, or `if` turned every defer off) runs without its `@defer`s:
 *   one ordinary result, the same as the query without them;
 * - the planning for deferred execution (router/defer/plugin.ts) follows the gateway's
 *   supergraph, also when it is replaced while the router runs.
 */
export function deferringGateway(gateway: GatewayInterface): {
  gateway: GatewayInterface;
  planning(): DeferPlanning | null;
} {
  let planning: { sdl: string; value: DeferPlanning | null } | null = null;
  const plan = (sdl: string): void => {
    if (planning?.sdl === sdl) return;
    try {
      planning = { sdl, value: deferPlanning(sdl) };
    } catch (error) {
      // The gateway serves this supergraph all the same: deferred queries get one result.
      log.error('no deferred execution for this supergraph', { error: (error as Error).message });
      planning = { sdl, value: null };
    }
  };
  const stripped = new WeakMap<DocumentNode, { document: DocumentNode; hash: string }>();
  const undeferred = (context: GatewayGraphQLRequestContext): GatewayGraphQLRequestContext => {
    let entry = stripped.get(context.document);
    if (!entry) {
      const document = withoutDefer(context.document);
      // The gateway caches plans by query hash: the undeferred text gets a hash of its own.
      entry = { document, hash: createHash('sha256').update(print(document)).digest('hex') };
      stripped.set(context.document, entry);
    }
    return {
      ...context,
      document: entry.document,
      queryHash: entry.hash,
      operation: getOperationAST(entry.document, context.operationName) ?? context.operation,
    };
  };
  // The inner gateway is handed its own schema back (Apollo Server validated against the
  // extended one): a reloading gateway picks the executor of the schema a request began on.
  const wrap =
    (executor: GatewayExecutor): GatewayExecutor =>
    (context) => {
      const inner = usesDefer(context.document) ? undeferred(context) : context;
      const schema = withoutDeferDirective(inner.schema);
      return executor(schema === inner.schema ? inner : { ...inner, schema });
    };
  return {
    planning: () => planning?.value ?? null,
    gateway: {
      onSchemaLoadOrUpdate: (callback) =>
        gateway.onSchemaLoadOrUpdate((schemaContext) => {
          plan(schemaContext.coreSupergraphSdl);
          callback({ ...schemaContext, apiSchema: withDeferDirective(schemaContext.apiSchema) });
        }),
      load: async (options) => {
        const loaded = await gateway.load(options);
        return { ...loaded, executor: loaded.executor && wrap(loaded.executor) };
      },
      stop: () => gateway.stop(),
    },
  };
}
