import { startSubgraphForTest, type TestSubgraph, viewers } from '../../platform/testing/harness';
import { promotionsSubgraph } from '.';
import type { PromotionsService } from './service';

/** Who may read a promotion: segment-targeted (VIP-only) ones are for staff and services only. */
let t: TestSubgraph<{ promotions: PromotionsService }>;
const staff = viewers.staff(['promotions:write']);
const reader = viewers.staff(['promotions:read'], 'r');
let vipId: string;
let publicId: string;

beforeAll(async () => {
  t = await startSubgraphForTest(promotionsSubgraph, { database: 'promotions_access' });
  const campaign = await t.data(
    `mutation ($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { id } } }`,
    { input: { name: 'Winter', startsAt: new Date(Date.now() - 3600_000).toISOString() } },
    { viewer: staff },
  );
  const create = async (name: string, customerSegments: string[]) =>
    (
      await t.data(
        `mutation ($input: PromotionCreateInput!) {
          promotionCreate(input: $input) { promotion { id } userErrors { code } } }`,
        {
          input: {
            campaignId: campaign.campaignCreate.campaign.id,
            name,
            kind: 'PERCENTAGE_ORDER',
            value: 1000,
            conditions: { customerSegments },
          },
        },
        { viewer: staff },
      )
    ).promotionCreate.promotion.id as string;
  vipId = await create('VIP 10 %', ['vip']);
  publicId = await create('Everyone 10 %', []);
});

afterAll(async () => {
  await t?.stop();
});

const ACTIVE = `{ activePromotions(first: 100) { id name } }`;
const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Promotion { id name } } }`;

it('lists a VIP-only promotion to staff and services, never to anonymous callers or customers', async () => {
  for (const viewer of [viewers.anonymous, viewers.customer('c-1')]) {
    const ids = (await t.data(ACTIVE, {}, { viewer })).activePromotions.map((p: any) => p.id);
    expect(ids).toContain(publicId);
    expect(ids).not.toContain(vipId);
  }
  for (const viewer of [reader, viewers.service('orders')]) {
    const ids = (await t.data(ACTIVE, {}, { viewer })).activePromotions.map((p: any) => p.id);
    expect(ids).toEqual(expect.arrayContaining([publicId, vipId]));
  }
});

it('resolves a VIP-only promotion reference only for staff', async () => {
  const representations = [
    { __typename: 'Promotion', id: vipId },
    { __typename: 'Promotion', id: publicId },
  ];
  const anonymous = await t.data(ENTITIES, { representations }, { viewer: viewers.anonymous });
  expect(anonymous._entities).toEqual([null, { id: publicId, name: 'Everyone 10 %' }]);
  const staffView = await t.data(ENTITIES, { representations }, { viewer: reader });
  expect(staffView._entities.map((p: any) => p?.id)).toEqual([vipId, publicId]);
});
