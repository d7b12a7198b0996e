import type { FetchNode, PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';

/**
 * Rebuilds a query plan with each fetch replaced by what `rewrite` returns for it (one
 * fetch, or several that run in parallel at the fetch's place); `path` is where the
 * fetch's entities sit (its Flatten), or undefined for a root fetch.
 */
export type FetchRewrite = (fetch: FetchNode, path: FlattenPath | undefined) => FetchNode[];
type FlattenPath = Extract<PlanNode, { kind: 'Flatten' }>['path'];

function atPlace(fetches: FetchNode[], path: FlattenPath | undefined): PlanNode {
  const nodes: PlanNode[] = fetches.map((node) => (path ? { kind: 'Flatten', path, node } : node));
  return nodes.length === 1 ? nodes[0]! : { kind: 'Parallel', nodes };
}

function walk(node: PlanNode, rewrite: FetchRewrite): PlanNode {
  switch (node.kind) {
    case 'Fetch':
      return atPlace(rewrite(node, undefined), undefined);
    case 'Flatten':
      return node.node.kind === 'Fetch'
        ? atPlace(rewrite(node.node, node.path), node.path)
        : { ...node, node: walk(node.node, rewrite) };
    case 'Sequence':
    case 'Parallel':
      return { ...node, nodes: node.nodes.map((child) => walk(child, rewrite)) };
    case 'Condition':
      return {
        ...node,
        ifClause: node.ifClause && walk(node.ifClause, rewrite),
        elseClause: node.elseClause && walk(node.elseClause, rewrite),
      };
    case 'Defer':
      return {
        ...node,
        primary: { ...node.primary, node: node.primary.node && walk(node.primary.node, rewrite) },
        deferred: node.deferred.map((d) => ({ ...d, node: d.node && walk(d.node, rewrite) })),
      };
  }
}

export function rewriteFetches(plan: QueryPlan, rewrite: FetchRewrite): QueryPlan {
  const root = plan.node;
  if (!root) return plan;
  if (root.kind !== 'Subscription') return { ...plan, node: walk(root, rewrite) };
  const subscription: SubscriptionNode = {
    ...root,
    rest: root.rest && walk(root.rest, rewrite),
  };
  return { ...plan, node: subscription };
}
