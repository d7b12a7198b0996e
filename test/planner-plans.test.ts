import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import { parse } from 'graphql';
import { conflictingRequirementsSubgraphs } from './support/foreign-subgraphs/conflicting-requirements';
import { overlappingKeysSubgraphs } from './support/foreign-subgraphs/overlapping-keys';
import type { ForeignSubgraph } from './support/foreign-subgraphs/types';
import { correctPlanner } from '../router/planner';

/** The corrected plans themselves, without servers (the answers: test/planner-correctness). */
function plannerFor(subgraphs: ForeignSubgraph[]) {
  const composed = composeServices(
    subgraphs.map((s) => ({ name: s.name, typeDefs: parse(s.typeDefs), url: `http://${s.name}` })),
  );
  const supergraph = Supergraph.build(composed.supergraphSdl!);
  const planner = correctPlanner(new QueryPlanner(supergraph));
  return (query: string) =>
    planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse(query)));
}

function fetches(node: PlanNode | undefined): FetchNode[] {
  if (!node) return [];
  if (node.kind === 'Fetch') return [node];
  if (node.kind === 'Flatten') return fetches(node.node);
  if (node.kind === 'Sequence' || node.kind === 'Parallel') return node.nodes.flatMap(fetches);
  return [];
}

it('sends each requiring field its own price: one fetch per argument set, renamed to `price`', () => {
  const plan = plannerFor(conflictingRequirementsSubgraphs)(
    '{ products { shippingEstimate shippingEstimateEUR } }',
  );
  const shipping = fetches(plan.node as PlanNode).filter((f) => f.serviceName === 'shipping');
  expect(shipping.map((f) => f.operation)).toEqual([
    expect.stringContaining('{shippingEstimate}'),
    expect.stringContaining('{shippingEstimateEUR}'),
  ]);
  for (const fetch of shipping)
    expect(fetch.inputRewrites).toEqual([
      expect.objectContaining({ kind: 'KeyRenamer', renameKeyTo: 'price' }),
    ]);
  const [usd, eur] = shipping.map((f) => f.inputRewrites![0]!.path);
  expect(usd).not.toEqual(eur);
});

it('re-enters a subgraph for @requires through its resolvable key, not the first one', () => {
  const plan = plannerFor(overlappingKeysSubgraphs)('{ route { shipments { routeLabel } } }');
  const reentry = fetches(plan.node as PlanNode).find((f) => f.operation.includes('routeLabel'))!;
  expect(JSON.stringify(reentry.requires)).toContain('"region"');
  expect(JSON.stringify(reentry.requires)).not.toContain('"carrier"');
});

it('leaves a plan without argument-bearing requirements as the planner built it', () => {
  const plan = plannerFor(conflictingRequirementsSubgraphs)('{ products { upc name } }');
  expect(fetches(plan.node as PlanNode).map((f) => f.inputRewrites)).toEqual([undefined]);
});
