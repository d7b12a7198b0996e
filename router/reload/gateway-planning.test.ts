import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphQLDataSource } from '@apollo/gateway';
import { parse, print, visit } from 'graphql';
import { deferPlanning } from '../defer/gateway';
import { buildSupergraph } from '../supergraph';
import { ReloadableGateway } from './gateway';

/**
 * One supergraph text is parsed, extracted, converted and planned once: the gateway,
 * @defer and the subscriptions hold the same objects (router/supergraph-planning.ts).
 */
const FULL = readFileSync(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
const noSource = (() => ({ process: () => Promise.reject(new Error('not here')) })) as (
  name: string,
) => GraphQLDataSource;

function gatewayPlanner(prepared: { gateway: object }): unknown {
  return (prepared.gateway as { queryPlanner?: unknown }).queryPlanner;
}

test('the gateway, @defer and the subscriptions plan with one planner and one API schema', async () => {
  const prepared = await ReloadableGateway.prepare(FULL, noSource);
  const subscriptions = buildSupergraph(FULL);
  const defer = deferPlanning(FULL);
  try {
    expect(gatewayPlanner(prepared)).toBe(subscriptions.planner);
    expect(defer.planner).toBe(subscriptions.planner);
    expect(prepared.apiSchema).toBe(subscriptions.apiGraphQLSchema);
    expect(defer.supergraphGraphQLSchema).toBe(subscriptions.supergraphGraphQLSchema);
    // @defer's API schema declares the directive; the one clients are validated on does not.
    expect(defer.apiGraphQLSchema.getDirective('defer')).toBeDefined();
    expect(subscriptions.apiGraphQLSchema.getDirective('defer')).toBeUndefined();
  } finally {
    await prepared.gateway.stop();
  }
}, 60_000);

test('another supergraph gets planning of its own, and the first one is kept meanwhile', async () => {
  const changed = print(
    visit(parse(FULL), {
      ObjectTypeDefinition: (node) =>
        node.name.value === 'InventoryItem'
          ? { ...node, fields: node.fields?.filter((f) => f.name.value !== 'reserved') }
          : undefined,
    }),
  );
  const first = buildSupergraph(FULL);
  const prepared = await ReloadableGateway.prepare(changed, noSource);
  try {
    const second = buildSupergraph(changed);
    expect(gatewayPlanner(prepared)).toBe(second.planner);
    expect(second.planner).not.toBe(first.planner);
    expect(second.apiGraphQLSchema.getType('InventoryItem')).not.toBe(
      first.apiGraphQLSchema.getType('InventoryItem'),
    );
    expect(buildSupergraph(FULL).planner).toBe(first.planner);
  } finally {
    await prepared.gateway.stop();
  }
}, 60_000);
