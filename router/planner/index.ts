import type { QueryPlan, QueryPlanner } from '@apollo/query-planner';
import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
} from '@apollo/server-gateway-interface';
import { unresolvableFieldErrors } from './field-errors';
import { planWithoutUnresolvableFields } from './unresolvable-fields';
import { aliasRequiredArgumentFields } from './required-aliases';
import { keepRequiredAliasesInPlans } from './keep-required-aliases';
import { preferResolvableKeys } from './resolvable-keys';
import { rewriteFetches } from './plan-walk';
import { rewriteRequires } from './requires-rewrites';

const corrected = new WeakSet<QueryPlanner>();

/**
 * The planner with the router's corrections of its known wrong answers (README, "Known
 * planner bugs"): its query graph is adjusted once, and each plan it builds is rewritten.
 */
export function correctPlanner(planner: QueryPlanner): QueryPlanner {
  if (corrected.has(planner)) return planner;
  corrected.add(planner);
  keepRequiredAliasesInPlans();
  preferResolvableKeys();
  const aliases = aliasRequiredArgumentFields(planner);
  const build = planner.buildQueryPlan.bind(planner);
  planner.buildQueryPlan = (operation, options) =>
    planWithoutUnresolvableFields(operation, (op) =>
      rewriteFetches(build(op, options), (fetch) => rewriteRequires(fetch, aliases)),
    );
  return planner;
}

interface GatewayInternals {
  executor: GatewayExecutor;
  experimental_didResolveQueryPlan?: (options: {
    queryPlan: QueryPlan;
    requestContext: GatewayGraphQLRequestContext;
  }) => void;
}

/**
 * Corrects every planner the gateway makes: it builds a new one on each schema (re)load
 * and keeps it in `queryPlanner`, so the corrections are applied as it is assigned. Its
 * executor adds the field errors of fields the corrected plan had to leave out. Call it
 * before the gateway is loaded (its `load()` hands out the executor).
 */
export function correctGatewayPlanners(
  target: object,
  /** The planner to use in place of the one just built (corrected): by default, that one. */
  adopt: (built: QueryPlanner) => QueryPlanner = correctPlanner,
): void {
  const gateway = target as GatewayInternals;
  const plans = new WeakMap<object, QueryPlan>();
  const observe = gateway.experimental_didResolveQueryPlan;
  gateway.experimental_didResolveQueryPlan = (options) => {
    plans.set(options.requestContext, options.queryPlan);
    observe?.(options);
  };
  const execute = gateway.executor;
  gateway.executor = async (requestContext) => {
    const result = await execute(requestContext);
    const plan = plans.get(requestContext);
    const errors = plan ? unresolvableFieldErrors(plan, result.data) : [];
    return errors.length ? { ...result, errors: [...(result.errors ?? []), ...errors] } : result;
  };
  let planner: QueryPlanner | undefined;
  Object.defineProperty(gateway, 'queryPlanner', {
    configurable: true,
    enumerable: true,
    get: () => planner,
    set: (next: QueryPlanner | undefined) => {
      planner = next && correctPlanner(adopt(next));
    },
  });
}
