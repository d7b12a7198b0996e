import { randomUUID } from 'node:crypto';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import {
  staff,
  reader,
  anonymous,
  promotions,
  gql,
  HOUR,
  iso,
  createCampaign,
  createPromotion,
  createCoupon,
  promotionFor,
  usePromotionsSubgraph,
} from './test-kit';

usePromotionsSubgraph();

describe('promotions subgraph', () => {
  it('refuses requests that do not carry the router signature', async () => {
    const response = await postGraphQL(promotions().url, '{ activePromotions { id } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('creates campaigns, promotions with conditions and coupons, and reads them back', async () => {
    const campaign = await createCampaign({
      name: 'Black Friday',
      startsAt: '2030-11-28T00:00:00Z',
      endsAt: '2030-12-01T00:00:00Z',
    });
    expect(campaign).toEqual({
      campaign: {
        id: expect.any(String),
        name: 'Black Friday',
        startsAt: '2030-11-28T00:00:00.000Z',
        endsAt: '2030-12-01T00:00:00.000Z',
        active: true,
      },
      userErrors: [],
    });
    const categoryId = randomUUID();
    const brandId = randomUUID();
    const created = await createPromotion({
      campaignId: campaign.campaign.id,
      name: '5 EUR off shoes over 50 EUR',
      kind: 'FIXED_ORDER',
      value: 500,
      currency: 'eur',
      conditions: {
        minSubtotals: [{ amount: 5000, currency: 'EUR' }],
        categoryIds: [categoryId.toUpperCase()],
        brandIds: [brandId],
        customerSegments: [' VIP '],
      },
      priority: 3,
      requiresCoupon: true,
    });
    expect(created.userErrors).toEqual([]);
    expect(created.promotion).toEqual({
      id: expect.any(String),
      name: '5 EUR off shoes over 50 EUR',
      kind: 'FIXED_ORDER',
      value: 500,
      currency: 'EUR',
      buyQuantity: null,
      getQuantity: null,
      exclusive: false,
      priority: 3,
      requiresCoupon: true,
      active: true,
      conditions: {
        minSubtotals: [{ amount: 5000, currency: 'EUR' }],
        productIds: [],
        categoryIds: [categoryId],
        brandIds: [brandId],
        customerSegments: ['vip'],
      },
      campaign: { id: campaign.campaign.id, name: 'Black Friday' },
    });
    const coupon = await createCoupon({
      promotionId: created.promotion.id,
      code: ' shoes-5 ',
      usageLimit: 100,
    });
    expect(coupon).toEqual({
      coupon: {
        id: expect.any(String),
        code: 'SHOES-5',
        usageLimit: 100,
        perCustomerLimit: null,
        usedCount: 0,
        promotion: { id: created.promotion.id },
      },
      userErrors: [],
    });

    const read = dataOf(
      await gql(
        `query ($id: ID!) { campaign(id: $id) { name promotions { name coupons { totalCount edges { node { code } } } } }
           coupon(code: "Shoes-5") { code usedCount promotion { name campaign { name } } } }`,
        { id: campaign.campaign.id },
        reader,
      ),
    );
    expect(read).toEqual({
      campaign: {
        name: 'Black Friday',
        promotions: [
          {
            name: '5 EUR off shoes over 50 EUR',
            coupons: { totalCount: 1, edges: [{ node: { code: 'SHOES-5' } }] },
          },
        ],
      },
      coupon: {
        code: 'SHOES-5',
        usedCount: 0,
        promotion: { name: '5 EUR off shoes over 50 EUR', campaign: { name: 'Black Friday' } },
      },
    });
    const page = dataOf(
      await gql(
        `{ campaigns(first: 1) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }`,
        {},
        staff,
      ),
    ).campaigns;
    expect(page.edges[0].node.name).toBe('Black Friday'); // starts latest
    expect(page.pageInfo.hasNextPage).toBe(page.totalCount > 1);
  });

  it('refuses invalid campaigns, promotions and coupons with userErrors', async () => {
    expect(
      (await createCampaign({ name: 'Backwards', startsAt: iso(HOUR), endsAt: iso(-HOUR) }))
        .userErrors,
    ).toEqual([{ field: ['endsAt'], code: 'INVALID_WINDOW', message: expect.any(String) }]);
    expect((await createCampaign({ name: 'Bad', startsAt: 'tomorrow' })).userErrors[0].code).toBe(
      'INVALID_VALUE',
    );
    const { campaignId, promotion } = await promotionFor({
      kind: 'PERCENTAGE_LINE',
      value: 1000,
      requiresCoupon: true,
    });
    const attempt = async (input: Record<string, unknown>) =>
      (await createPromotion({ campaignId, name: 'x', ...input })).userErrors.map(
        (e: any) => `${e.field.join('.')} ${e.code}`,
      );
    expect(await attempt({ kind: 'PERCENTAGE_ORDER', value: 0 })).toEqual(['value INVALID_VALUE']);
    expect(await attempt({ kind: 'PERCENTAGE_ORDER', value: 10_001 })).toEqual([
      'value INVALID_VALUE',
    ]);
    expect(await attempt({ kind: 'FIXED_LINE', value: 100 })).toEqual([
      'currency INVALID_CURRENCY',
    ]);
    expect(await attempt({ kind: 'BUY_X_GET_Y', buyQuantity: 2 })).toEqual([
      'getQuantity INVALID_VALUE',
    ]);
    expect(await attempt({ kind: 'FREE_SHIPPING', value: 100 })).toEqual(['value INVALID_VALUE']);
    expect(
      await attempt({
        kind: 'FREE_SHIPPING',
        conditions: { minSubtotals: [{ amount: 1, currency: 'EU' }] },
      }),
    ).toEqual(['conditions.minSubtotals INVALID_CURRENCY']);
    expect(
      (await createPromotion({ campaignId: randomUUID(), name: 'x', kind: 'FREE_SHIPPING' }))
        .userErrors[0],
    ).toMatchObject({
      field: ['campaignId'],
      code: 'NOT_FOUND',
    });

    expect((await createCoupon({ promotionId: promotion.id, code: 'TAKEN-1' })).userErrors).toEqual(
      [],
    );
    expect((await createCoupon({ promotionId: promotion.id, code: 'taken-1' })).userErrors).toEqual(
      [{ field: ['code'], code: 'CODE_TAKEN', message: expect.any(String) }],
    );
    expect(
      (await createCoupon({ promotionId: promotion.id, code: 'no spaces' })).userErrors[0].code,
    ).toBe('INVALID_CODE');
    expect(
      (await createCoupon({ promotionId: promotion.id, code: 'ZERO-USE', usageLimit: 0 }))
        .userErrors[0],
    ).toMatchObject({
      field: ['usageLimit'],
      code: 'INVALID_VALUE',
    });
    const automatic = await promotionFor({ kind: 'PERCENTAGE_ORDER', value: 500 });
    expect(
      (await createCoupon({ promotionId: automatic.promotion.id, code: 'AUTO-1' })).userErrors[0]
        .code,
    ).toBe('PROMOTION_AUTOMATIC');
  });

  it('lists running automatic promotions publicly', async () => {
    const shown = await promotionFor({ kind: 'PERCENTAGE_ORDER', value: 700, priority: 1_000_000 });
    const hidden = await promotionFor({
      kind: 'PERCENTAGE_ORDER',
      value: 700,
      priority: 1_000_000,
      requiresCoupon: true,
    });
    const over = await promotionFor(
      { kind: 'PERCENTAGE_ORDER', value: 700, priority: 1_000_000 },
      { startsAt: iso(-2 * HOUR), endsAt: iso(-HOUR) },
    );
    const active = dataOf(
      await gql(
        `{ activePromotions(first: 100) { id kind value campaign { name } } }`,
        {},
        anonymous,
      ),
    ).activePromotions;
    const ids = active.map((p: any) => p.id);
    expect(ids).toContain(shown.promotion.id);
    expect(ids).not.toContain(hidden.promotion.id);
    expect(ids).not.toContain(over.promotion.id);
    expect(active.find((p: any) => p.id === shown.promotion.id).campaign.name).toMatch(/^Campaign/);
  });
});
