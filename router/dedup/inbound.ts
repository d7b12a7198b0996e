import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import { GraphQLError, print, type DocumentNode } from 'graphql';
import type { RouterContext } from '../context';
import { InFlight } from './inflight';

type Result = Awaited<ReturnType<GatewayExecutor>>;

/**
 * The gateway, with identical concurrent queries executed once (ROUTER_DEDUP_INBOUND).
 *
 * Two requests share one execution only if everything the subgraphs would see is the
 * same: the normalised document (printed), the operation name, the variables, and the
 * viewer the router signs for them (kind, ids, roles, scopes, client IP: the whole
 * signed identity). The router sends subgraphs nothing else of a request, so their
 * answers, and the merged result, are the same for both. Mutations and subscriptions
 * are never shared. Every request still passes the edge (limits, rate limits, cost) on
 * its own; only the execution is shared. A waiter gets its own copy of the result's
 * top level and its own error objects.
 */
export function deduplicatingGateway(gateway: GatewayInterface): {
  gateway: GatewayInterface;
  inFlight: InFlight<Result>;
} {
  const inFlight = new InFlight<Result>(
    (result) => ({
      ...result,
      ...(result.errors ? { errors: result.errors.map(copyError) } : {}),
    }),
    (error) => (error instanceof Error ? copyError(error) : error),
  );
  const printed = new WeakMap<DocumentNode, string>();
  const keyOf = (context: GatewayGraphQLRequestContext<RouterContext>): string | null => {
    if (context.operation?.operation !== 'query') return null;
    let document = printed.get(context.document);
    if (document === undefined) {
      document = print(context.document);
      printed.set(context.document, document);
    }
    return JSON.stringify([
      document,
      context.operationName ?? null,
      context.request.variables ?? {},
      context.context?.viewer ?? null,
    ]);
  };
  const wrap =
    (executor: GatewayExecutor): GatewayExecutor =>
    (context) => {
      const key = keyOf(context as GatewayGraphQLRequestContext<RouterContext>);
      return key === null ? executor(context) : inFlight.run(key, () => executor(context));
    };
  return {
    inFlight,
    gateway: {
      load: async (options) => {
        const loaded = await gateway.load(options);
        return { ...loaded, executor: loaded.executor && wrap(loaded.executor) };
      },
      onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
      stop: () => gateway.stop(),
    },
  };
}

function copyError<E extends Error>(error: E): E {
  if (error instanceof GraphQLError)
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: { ...error.extensions },
    }) as unknown as E;
  const copy = new Error(error.message, { cause: error }) as E;
  copy.name = error.name;
  return copy;
}
