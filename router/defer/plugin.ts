import { operationFromDocument, type VariableDefinitions } from '@apollo/federation-internals';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { RouterContext } from '../context';
import { usesDefer } from './directive';
import { deferredRoot, executeDeferred, type DeferredResponse } from './executor';
import { createLogger } from '../../platform/logging';
import type { DeferPlanning } from './gateway';

/** The incremental delivery format the router speaks (Apollo Client's and urql's). */
export const DEFER_SPEC = 'multipart/mixed; deferSpec=20220824';

/**
 * True when the client takes incremental delivery in the 20220824 format, as Apollo
 * Client asks (`multipart/mixed;deferSpec=20220824, application/json`), and prefers it
 * to the later `incrementalSpec=v0.2` format, which the router does not write. Plain
 * `multipart/mixed` is not enough: Apollo Server, which writes the response, refuses it.
 */
export function acceptsDeferSpec(accept: string | undefined | null): boolean {
  let deferSpec: number | null = null;
  let laterSpec: number | null = null;
  for (const [index, range] of (accept ?? '').split(',').entries()) {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'multipart/mixed') continue;
    const param = (name: string) =>
      params
        .find((p) => p.startsWith(`${name}=`))
        ?.slice(name.length + 1)
        .replace(/"/g, '');
    const q = Number(param('q') ?? '1');
    // Equal weights: the one listed first wins, as Apollo Server's negotiation decides.
    const weight = q - index / 1000;
    if (param('deferspec') === '20220824' && q > 0) deferSpec = Math.max(deferSpec ?? 0, weight);
    if (param('incrementalspec') === 'v0.2' && q > 0) laterSpec = Math.max(laterSpec ?? 0, weight);
  }
  return deferSpec !== null && (laterSpec === null || deferSpec > laterSpec);
}

const PLAN_CACHE_SIZE = 500;
const log = createLogger('router.defer');

/**
 * Answers deferred queries incrementally, from Apollo Server's `responseForOperation`:
 * after parsing, validation and every `didResolveOperation` check of the edge (limits
 * and cost, persisted operations, rate limits, introspection), with the caller resolved
 * into the context (its identity is signed on every subgraph call), in place of the
 * gateway's executor. Apollo Server writes the multipart response. A query whose
 * client does not accept incremental delivery, or whose `@defer(if:)`s are all off, is
 * left to the gateway, which answers it in one part.
 */
export function deferPlugin(options: {
  planning: () => DeferPlanning | null;
  sources: ReadonlyMap<string, GraphQLDataSource>;
}): ApolloServerPlugin<RouterContext> {
  const plans = new Map<
    string,
    { planning: DeferPlanning; plan: QueryPlan; variableDefinitions: VariableDefinitions }
  >();
  const planFor = (planning: DeferPlanning, context: GraphQLRequestContext<RouterContext>) => {
    const key = `${context.queryHash}\n${context.operationName ?? ''}`;
    let entry = plans.get(key);
    if (!entry || entry.planning !== planning) {
      const operation = operationFromDocument(planning.apiSchema, context.document!, {
        operationName: context.operationName ?? undefined,
      });
      const plan = planning.planner.buildQueryPlan(operation);
      entry = { planning, plan, variableDefinitions: operation.variableDefinitions };
      if (plans.size >= PLAN_CACHE_SIZE) plans.delete(plans.keys().next().value!);
      plans.set(key, entry);
    }
    return entry;
  };

  return {
    async requestDidStart() {
      return {
        async responseForOperation(context) {
          const planning = options.planning();
          if (!planning || !context.document || !usesDefer(context.document)) return null;
          if (!acceptsIncremental(context)) return null;
          let deferred: DeferredResponse;
          try {
            const { plan, variableDefinitions } = planFor(planning, context);
            const root = deferredRoot(plan, variableDefinitions, context.request.variables);
            if (!root) return null;
            deferred = await executeDeferred(
              root,
              variableDefinitions,
              planning,
              options.sources,
              gatewayContext(context),
            );
          } catch (error) {
            // A plan this executor cannot run is still a valid query: the gateway answers
            // it in one part instead.
            log.warn('deferred execution fell back to one result', {
              error: (error as Error).message,
            });
            return null;
          }
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'incremental', ...deferred },
          };
        },
      };
    },
  };
}

/** Over HTTP the Accept header says; the SSE transport asks for it the same way. */
function acceptsIncremental(context: GraphQLRequestContext<RouterContext>): boolean {
  return acceptsDeferSpec(context.request.http?.headers.get('accept'));
}

/** What @apollo/gateway's executor and data sources read of a request. */
function gatewayContext(
  context: GraphQLRequestContext<RouterContext>,
): GatewayGraphQLRequestContext<RouterContext> {
  return {
    request: context.request,
    response: context.response,
    logger: context.logger,
    schema: context.schema,
    schemaHash: 'deferred' as never,
    context: context.contextValue,
    cache: context.cache as never,
    queryHash: context.queryHash,
    document: context.document,
    source: context.source,
    operationName: context.operationName,
    operation: context.operation,
    errors: context.errors,
    metrics: context.metrics,
    overallCachePolicy: context.overallCachePolicy,
    requestIsBatched: context.requestIsBatched,
  } as unknown as GatewayGraphQLRequestContext<RouterContext>;
}
