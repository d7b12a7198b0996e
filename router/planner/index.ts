import type { QueryPlanner } from '@apollo/query-planner';
import { aliasRequiredArgumentFields } from './required-aliases';
import { keepRequiredAliasesInPlans } from './keep-required-aliases';
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
  const aliases = aliasRequiredArgumentFields(planner);
  const build = planner.buildQueryPlan.bind(planner);
  planner.buildQueryPlan = (operation, options) =>
    rewriteFetches(build(operation, options), (fetch) => rewriteRequires(fetch, aliases));
  return planner;
}

/**
 * Corrects every planner the gateway makes: it builds a new one on each schema (re)load
 * and keeps it in `queryPlanner`, so the corrections are applied as it is assigned.
 */
export function correctGatewayPlanners(gateway: object): void {
  let planner: QueryPlanner | undefined;
  Object.defineProperty(gateway, 'queryPlanner', {
    configurable: true,
    enumerable: true,
    get: () => planner,
    set: (next: QueryPlanner | undefined) => {
      planner = next && correctPlanner(next);
    },
  });
}
