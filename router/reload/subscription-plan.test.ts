import { join } from 'node:path';
import { parse, type GraphQLError } from 'graphql';
import { loadSupergraph } from '../supergraph';
import { planSubscription } from './subscription-plan';

const supergraph = loadSupergraph(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'));
const LIVE_STOCK = 'subscription Live { stockAvailabilityChanged(sku: "A") { availableQuantity } }';

describe('planSubscription', () => {
  it('plans a document once for every client that sends it', () => {
    const first = planSubscription(supergraph, { document: parse(LIVE_STOCK) });
    const again = planSubscription(supergraph, {
      document: parse(`# another client\n${LIVE_STOCK}`),
    });
    expect(first).not.toBeInstanceOf(Error);
    expect(again).toBe(first);
    expect(again).toMatchObject({ primary: { serviceName: 'inventory' } });
  });

  it('plans a different selection, operation name or supergraph apart', () => {
    const base = planSubscription(supergraph, { document: parse(LIVE_STOCK) });
    const other = planSubscription(supergraph, {
      document: parse(LIVE_STOCK.replace('availableQuantity', 'inStock')),
    });
    const named = planSubscription(supergraph, {
      document: parse(LIVE_STOCK),
      operationName: 'Live',
    });
    const reloaded = loadSupergraph(join(__dirname, '..', '..', 'schema', 'supergraph.graphql'));
    const elsewhere = planSubscription(reloaded, { document: parse(LIVE_STOCK) });
    expect(new Set([base, other, named, elsewhere]).size).toBe(4);
    expect((elsewhere as { supergraph: unknown }).supergraph).toBe(reloaded);
  });

  it('keeps the answer for a document that cannot run, with its code', () => {
    const bad = parse('subscription { stockAvailabilityChanged(sku: "A") { nope } }');
    const refused = planSubscription(supergraph, { document: bad });
    expect(refused).toBeInstanceOf(Error);
    expect((refused as GraphQLError).extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(planSubscription(supergraph, { document: bad })).toBe(refused);
  });
});
