import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../platform/identity';
import { dataOf } from '../../platform/testing/graphql-client';
import {
  staff,
  reader,
  clerk,
  orders,
  anonymous,
  promotions,
  gql,
  sql,
  QUOTE,
  REDEEM,
  transition,
  promotionFor,
  line,
  couponFor,
  usePromotionsSubgraph,
} from './test-kit';

usePromotionsSubgraph();

describe('promotions subgraph', () => {
  it('refuses staff operations without permission and internal ones to non-services', async () => {
    const { promotion } = await promotionFor({ kind: 'FREE_SHIPPING', requiresCoupon: true });
    const cases: [string, Record<string, unknown>, Viewer][] = [
      [
        `mutation { campaignCreate(input: { name: "x", startsAt: "2030-01-01T00:00:00Z" }) { userErrors { code } } }`,
        {},
        clerk,
      ],
      [
        `mutation { campaignCreate(input: { name: "x", startsAt: "2030-01-01T00:00:00Z" }) { userErrors { code } } }`,
        {},
        reader,
      ],
      [
        `mutation ($id: ID!) { couponCreate(input: { promotionId: $id, code: "NOPE-1" }) { userErrors { code } } }`,
        { id: promotion.id },
        anonymous,
      ],
      [
        `mutation ($id: ID!) { couponsGenerate(input: { promotionId: $id, count: 1 }) { count } }`,
        { id: promotion.id },
        clerk,
      ],
      [
        `mutation ($id: ID!) { promotionDeactivate(id: $id) { userErrors { code } } }`,
        { id: promotion.id },
        clerk,
      ],
      [`{ coupon(code: "ANY") { code } }`, {}, anonymous],
      [`{ coupon(code: "ANY") { code } }`, {}, clerk],
      [`{ campaigns { totalCount } }`, {}, anonymous],
      [QUOTE, { input: { currency: 'EUR', lines: [] } }, staff],
      [QUOTE, { input: { currency: 'EUR', lines: [] } }, anonymous],
      [REDEEM, { input: { orderRef: 'x', currency: 'EUR', lines: [] } }, staff],
      [
        transition('discountsRelease'),
        { orderRef: 'x' },
        { kind: 'customer', customerId: randomUUID() },
      ],
      [transition('discountsConfirm'), { orderRef: 'x' }, staff],
    ];
    for (const [query, variables, viewer] of cases) {
      const response = await gql(query, variables, viewer);
      expect(response.errors?.[0]?.extensions?.code).toBe(
        viewer === anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN',
      );
    }
    expect(await sql(`SELECT 1 FROM promotions.coupon WHERE code = 'NOPE-1'`)).toEqual([]);
    // promotions:read may read.
    expect(dataOf(await gql(`{ coupon(code: "ANY") { code } }`, {}, reader)).coupon).toBeNull();
  });

  it('answers malformed ids and cursors with BAD_USER_INPUT, never a 500', async () => {
    const { promotion } = await promotionFor({ kind: 'FREE_SHIPPING', requiresCoupon: true });
    const cases: [string, Record<string, unknown>, Viewer][] = [
      [`{ promotion(id: "not-a-uuid") { id } }`, {}, staff],
      [`{ campaign(id: "42") { id } }`, {}, staff],
      [`{ campaigns(after: "garbage") { totalCount } }`, {}, staff],
      [`{ campaigns(first: 101) { totalCount } }`, {}, staff],
      [`{ activePromotions(first: 1000) { id } }`, {}, anonymous],
      [
        `mutation { promotionCreate(input: { campaignId: "nope", name: "x", kind: FREE_SHIPPING }) { userErrors { code } } }`,
        {},
        staff,
      ],
      [
        `mutation ($c: ID!) { promotionCreate(input: { campaignId: $c, name: "x", kind: FREE_SHIPPING, conditions: { productIds: ["x"] } }) { userErrors { code } } }`,
        { c: randomUUID() },
        staff,
      ],
      [
        `mutation { couponCreate(input: { promotionId: "x", code: "ABC" }) { userErrors { code } } }`,
        {},
        staff,
      ],
      [`mutation { promotionDeactivate(id: "x") { userErrors { code } } }`, {}, staff],
      [
        `mutation ($id: ID!) { couponsGenerate(input: { promotionId: $id, count: 1 }) { codes(first: -1) } }`,
        { id: promotion.id },
        staff,
      ],
      [QUOTE, { input: { currency: 'EUR', lines: [line('bad-product', 1, 100)] } }, orders],
      [QUOTE, { input: { currency: 'EUR', at: 'someday', lines: [] } }, orders],
    ];
    for (const [query, variables, viewer] of cases) {
      const response = await gql(query, variables, viewer);
      expect(response.status).not.toBe(500);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(response)).not.toMatch(/stack|QueryFailedError/);
    }
    const entities = dataOf(
      await gql(
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Promotion { id name } ... on Campaign { id } } }`,
        {
          r: [
            { __typename: 'Promotion', id: 'x' },
            { __typename: 'Campaign', id: 'y' },
            { __typename: 'Promotion', id: promotion.id },
          ],
        },
        anonymous,
      ),
    );
    expect(entities._entities).toEqual([null, null, { id: promotion.id, name: promotion.name }]);
  });

  it('loads campaigns with their promotions and coupons with their promotion in constant statements', async () => {
    const promotionIds: string[] = [];
    for (let i = 0; i < 6; i += 1) promotionIds.push((await couponFor({})).promotion.id);
    const cost = async (count: number) => {
      const before = promotions().statements.count;
      const page = dataOf(
        await gql(
          `query ($first: Int) { campaigns(first: $first) { edges { node { name promotions { name campaign { name } } } } } }`,
          { first: count },
          staff,
        ),
      ).campaigns;
      expect(page.edges).toHaveLength(count);
      expect(
        page.edges.every((e: any) =>
          e.node.promotions.every((p: any) => p.campaign.name === e.node.name),
        ),
      ).toBe(true);
      return promotions().statements.count - before;
    };
    expect(await cost(2)).toBe(await cost(6));
    const refs = async (count: number) => {
      const before = promotions().statements.count;
      const result = dataOf(
        await gql(
          `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Promotion { name campaign { name } } } }`,
          { r: promotionIds.slice(0, count).map((id) => ({ __typename: 'Promotion', id })) },
          anonymous,
        ),
      );
      expect(result._entities.map((p: any) => p.campaign.name)).toEqual(
        Array(count).fill(expect.stringMatching(/^Campaign/)),
      );
      return promotions().statements.count - before;
    };
    expect(await refs(2)).toBe(await refs(6));
  });
});
