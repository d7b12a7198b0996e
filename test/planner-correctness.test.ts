import { postGraphQL } from '../platform/testing/graphql-client';
import {
  conflictingRequirementsSubgraphs,
  PRODUCTS,
} from './support/foreign-subgraphs/conflicting-requirements';
import {
  overlappingKeysSubgraphs,
  ROUTE,
  SHIPMENTS,
} from './support/foreign-subgraphs/overlapping-keys';
import {
  COMMENTS,
  POSTS,
  requiredArgumentsSubgraphs,
} from './support/foreign-subgraphs/required-arguments';
import {
  startForeignSupergraph,
  type ForeignSupergraph,
} from './support/foreign-subgraphs/supergraph';
import {
  BOOK,
  unreachableInterfaceObjectSubgraphs,
} from './support/foreign-subgraphs/unreachable-interface-object';

/**
 * The query planner's known wrong answers (@apollo/query-planner 2.14.4), each on a small
 * supergraph of real @apollo/subgraph servers composed in-process, and the answer the
 * federation spec requires, computed from the subgraphs' own data. README, "Known planner
 * bugs", says how the router corrects each.
 */
jest.setTimeout(60_000);

function suite(start: () => Promise<ForeignSupergraph>) {
  const state: { graph?: ForeignSupergraph } = {};
  beforeAll(async () => {
    state.graph = await start();
  });
  afterAll(async () => {
    await state.graph?.stop();
  });
  return {
    ask: (query: string, variables: Record<string, unknown> = {}) =>
      postGraphQL(state.graph!.router.url, query, variables),
  };
}

describe('a field required with arguments keeps them (@requires "comments(limit: 3) { authorId }")', () => {
  const { ask } = suite(() => startForeignSupergraph(requiredArgumentsSubgraphs));
  const expected = (limit: number) => ({
    feed: POSTS.map((postId) => {
      const comments = COMMENTS.filter((c) => c.postId === postId);
      return {
        // The author is read from the third comment: the requirement got its three.
        author: { id: comments[2]!.authorId },
        comments: comments.slice(0, limit).map((c) => ({ id: c.id })),
      };
    }),
  });

  it('answers the client its own limit next to the requirement: a literal', async () => {
    const answer = await ask('{ feed { author { id } comments(limit: 1) { id } } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual(expected(1));
  });

  it('and a variable with a default, and inside fragments', async () => {
    const byVariable = await ask(
      'query ($limit: Int = 1) { feed { author { id } comments(limit: $limit) { id } } }',
    );
    expect(byVariable.errors).toBeUndefined();
    expect(byVariable.data).toEqual(expected(1));
    const inFragments = await ask(`
      query ($limit: Int = 1) { feed { author { id } ...A ...B } }
      fragment A on Post { comments(limit: $limit) { id } }
      fragment B on Post { comments(limit: $limit) { id } }
    `);
    expect(inFragments.errors).toBeUndefined();
    expect(inFragments.data).toEqual(expected(1));
    const given = await ask(
      'query ($limit: Int = 1) { feed { author { id } comments(limit: $limit) { id } } }',
      { limit: 2 },
    );
    expect(given.data).toEqual(expected(2));
  });
});

describe('two requirements of one field with different arguments each get their own', () => {
  const { ask } = suite(() => startForeignSupergraph(conflictingRequirementsSubgraphs));
  const usd = (p: (typeof PRODUCTS)[number]) => p.price * p.weight * 10;

  it('computes the USD estimate from the USD price and the EUR one from the EUR price', async () => {
    const answer = await ask('{ products { upc shippingEstimate shippingEstimateEUR } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      products: PRODUCTS.map((p) => ({
        upc: p.upc,
        shippingEstimate: usd(p),
        shippingEstimateEUR: usd(p) * 2,
      })),
    });
  });

  it('and so when the client asks for both through a fragment', async () => {
    const answer = await ask(
      '{ products { ...Estimates } } fragment Estimates on Product { shippingEstimate shippingEstimateEUR }',
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      products: PRODUCTS.map((p) => ({
        shippingEstimate: usd(p),
        shippingEstimateEUR: usd(p) * 2,
      })),
    });
  });

  it("keeps the client's own arguments of the same field apart from the requirement's", async () => {
    const answer = await ask('{ products { price(currency: "EUR") shippingEstimate } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      products: PRODUCTS.map((p) => ({ price: p.price * 2, shippingEstimate: usd(p) })),
    });
  });
});

describe('an entity with several @keys, some resolvable: false, is resolved by a resolvable one', () => {
  const { ask } = suite(() => startForeignSupergraph(overlappingKeysSubgraphs));

  it("answers the carrier's @requires field instead of a null entity", async () => {
    const answer = await ask('{ route { id shipments { id label routeLabel } } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      route: {
        id: ROUTE.id,
        shipments: ROUTE.shipmentIds.map((id) => {
          const shipment = SHIPMENTS.find((s) => s.id === id)!;
          return { id, label: shipment.label, routeLabel: `${ROUTE.id}: ${shipment.label}` };
        }),
      },
    });
  });
});

describe('a field of a non-resolvable @interfaceObject that cannot be reached is a field error', () => {
  const { ask } = suite(() =>
    startForeignSupergraph(unreachableInterfaceObjectSubgraphs, { runSatisfiability: false }),
  );

  it('answers null with an error at its path, and the rest of the query', async () => {
    const answer = await ask('{ library { id shelf } onShelf { id shelf } }');
    expect(answer.data).toEqual({
      library: { id: BOOK.id, shelf: null },
      onShelf: { id: BOOK.id, shelf: 'A3' },
    });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        path: ['library', 'shelf'],
        extensions: expect.objectContaining({ code: 'UNRESOLVABLE_FIELD' }),
      }),
    ]);
  });

  it('names the path by the aliases the client chose', async () => {
    const answer = await ask('{ mine: library { id where: shelf } }');
    expect(answer.data).toEqual({ mine: { id: BOOK.id, where: null } });
    expect(answer.errors?.map((e) => e.path)).toEqual([['mine', 'where']]);
  });

  it('still answers the field where its own subgraph returns the object', async () => {
    const answer = await ask('{ onShelf { id shelf title } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ onShelf: { id: BOOK.id, shelf: 'A3', title: BOOK.title } });
  });
});
