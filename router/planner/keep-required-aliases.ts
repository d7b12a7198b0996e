import { Kind, type SelectionNode } from 'graphql';
import type { QueryPlanSelectionNode } from '@apollo/query-planner';
import { REQUIRED_ALIAS_MARK } from './required-aliases';

/**
 * The planner prints a fetch's `requires` (what the gateway reads from its data to build
 * representations) through `trimSelectionNodes`, which drops aliases; the aliased required
 * fields of required-aliases.ts would all be read under their bare name again. This keeps
 * those aliases (and only those). The planner calls the function through its module's
 * exports object, so replacing it there is enough; done once per process.
 */
interface QueryPlanModule {
  trimSelectionNodes: (selections: readonly SelectionNode[]) => QueryPlanSelectionNode[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const queryPlanModule = require('@apollo/query-planner/dist/QueryPlan') as QueryPlanModule;
const PATCHED = Symbol.for('router.keepRequiredAliases');

function trimKeepingRequiredAliases(
  selections: readonly SelectionNode[],
): QueryPlanSelectionNode[] {
  const trimmed: QueryPlanSelectionNode[] = [];
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const alias = selection.alias?.value;
      trimmed.push({
        kind: 'Field',
        ...(alias?.includes(REQUIRED_ALIAS_MARK) ? { alias } : {}),
        name: selection.name.value,
        selections:
          selection.selectionSet && trimKeepingRequiredAliases(selection.selectionSet.selections),
      });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      trimmed.push({
        kind: 'InlineFragment',
        typeCondition: selection.typeCondition?.name.value,
        selections: trimKeepingRequiredAliases(selection.selectionSet.selections),
      });
    }
  }
  return trimmed;
}

export function keepRequiredAliasesInPlans(): void {
  const current = queryPlanModule.trimSelectionNodes as QueryPlanModule['trimSelectionNodes'] & {
    [PATCHED]?: true;
  };
  if (current[PATCHED]) return;
  const patched = Object.assign(trimKeepingRequiredAliases, { [PATCHED]: true as const });
  queryPlanModule.trimSelectionNodes = patched;
}
