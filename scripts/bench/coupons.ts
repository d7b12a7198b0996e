import { startPlatform } from '../platform';
import { dataOf, postGraphQL } from '../../platform/testing/graphql-client';
import { benchDatabase, spawnRouter } from './environment';
import { summarize } from './stats';

/**
 * Bulk coupon codes: `rounds` couponsGenerate calls of `count` codes each, through the
 * router (its own process) as a staff client would, timed from request to response; the
 * response asks for no codes (`codes(first: 0)`) so the figure is the generation. Then
 * the promotions schema must hold rounds × count codes, all distinct.
 */
export async function couponBench(options: { count: number; rounds: number }) {
  process.env.AUTHORIZATION_MODE = 'open';
  // Stopped in reverse order however far the start got.
  const started: (() => Promise<void>)[] = [];
  try {
    const db = await benchDatabase();
    started.push(db.stop);
    const platform = await startPlatform({
      databaseUrl: db.url,
      ports: 'ephemeral',
      background: false,
    });
    started.push(() => platform.stop());
    const router = await spawnRouter(platform.subgraphUrls);
    started.push(() => router.stop());
    const staff = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
      const data = dataOf(await postGraphQL(router.url, query, variables));
      const payload = Object.values(data)[0] as { userErrors?: unknown[] };
      if (payload.userErrors?.length)
        throw new Error(`${query}: ${JSON.stringify(payload.userErrors)}`);
      return payload as T;
    };
    const campaign = await staff<{ campaign: { id: string } }>(
      `mutation ($input: CampaignCreateInput!) { campaignCreate(input: $input) { campaign { id } userErrors { code message } } }`,
      { input: { name: 'Bench campaign', startsAt: new Date(Date.now() - 60_000).toISOString() } },
    );
    const promotion = await staff<{ promotion: { id: string } }>(
      `mutation ($input: PromotionCreateInput!) { promotionCreate(input: $input) { promotion { id } userErrors { code message } } }`,
      {
        input: {
          campaignId: campaign.campaign.id,
          name: 'Bench codes',
          kind: 'PERCENTAGE_ORDER',
          value: 1000,
          requiresCoupon: true,
        },
      },
    );
    const promotionId = promotion.promotion.id;

    const ms: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const started = performance.now();
      const generated = await staff<{ count: number; codes: string[] }>(
        `mutation ($input: CouponsGenerateInput!) { couponsGenerate(input: $input) { count codes(first: 0) userErrors { code message } } }`,
        { input: { promotionId, count: options.count } },
      );
      ms.push(performance.now() - started);
      if (generated.count !== options.count)
        throw new Error(`round ${round}: ${generated.count} codes, expected ${options.count}`);
    }
    const summary = summarize(ms);

    const [stored] = (await platform.subgraphs.promotions!.dataSource.query(
      `SELECT count(*)::int AS codes, count(DISTINCT code)::int AS "distinctCodes"
         FROM promotions.coupon WHERE promotion_id = $1`,
      [promotionId],
    )) as { codes: number; distinctCodes: number }[];
    const expected = options.count * options.rounds;
    if (stored!.codes !== expected || stored!.distinctCodes !== expected) {
      throw new Error(`expected ${expected} distinct codes, found ${JSON.stringify(stored)}`);
    }
    return {
      codesPerCall: options.count,
      calls: options.rounds,
      callMs: { p50: summary.p50, max: summary.max, all: ms.map((m) => Math.round(m)) },
      codesPerSecond: {
        p50: Math.round((options.count / summary.p50) * 1000),
        overall: Math.round((expected / ms.reduce((a, b) => a + b, 0)) * 1000),
      },
      stored,
    };
  } finally {
    for (const stop of started.reverse()) await stop().catch((error) => console.error(error));
  }
}
