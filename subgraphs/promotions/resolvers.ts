import { orNull } from '../../platform/loaders';
import { hasPermission, requirePermission, requireService } from '../../platform/authorization';
import type { SubgraphContext } from '../../platform/context';
import { badInput, toUserError, withUserErrors } from '../../platform/errors';
import type { Viewer } from '../../platform/identity';
import { isUuid, parseId } from '../../platform/ids';
import {
  type Connection,
  type PageArgs,
  type PageRequest,
  parsePageArgs,
} from '../../platform/pagination';
import type { CartLine } from './discounts';
import type { CampaignRow, CouponRow, OrderRedemptionRow, PromotionRow } from './entities';
import type {
  Campaign,
  Coupon,
  DiscountRedemption,
  ModelFields,
  Promotion,
  Resolvers,
} from './generated/resolvers-types';
import type { PromotionsLoaders } from './loaders';
import { MAX_GENERATED_CODES, type PromotionInput, type PromotionsService } from './service';

export type Context = SubgraphContext<{ promotions: PromotionsService }, PromotionsLoaders>;
const WRITE = 'promotions:write';
const READ = 'promotions:read';
const MAX_ACTIVE = 100;

/** Staff reads: promotions:read, or promotions:write which includes it. */
function requireRead(viewer: Viewer): void {
  if (viewer.kind === 'staff' && viewer.permissions.includes(WRITE)) return;
  requirePermission(viewer, READ);
}

function isReader(viewer: Viewer): boolean {
  return hasPermission(viewer, READ) || hasPermission(viewer, WRITE);
}

/**
 * What a shopper may see: promotions open to everyone. A segment-targeted promotion
 * (VIP-only) is for staff and platform services, never listed or resolved for others.
 */
function visibleTo(viewer: Viewer) {
  return (row: { customerSegments: string[] }) =>
    isReader(viewer) || row.customerSegments.length === 0;
}

/**
 * GraphQL shapes: the schema's fields, plus the ids that child resolvers load from. The
 * `…Model` types are the mappers of codegen.yml: generated/resolvers-types.ts types every
 * resolver's parent and result with them, and ModelFields ties them to the schema (a
 * field without a resolver must be in the model, with the schema's type).
 */
export type CampaignModel = ModelFields<Campaign, 'promotions'>;
export type PromotionModel = ModelFields<Promotion, 'campaign' | 'coupons'> & {
  campaignId: string;
};
export type CouponModel = ModelFields<Coupon, 'promotion'> & { promotionId: string };
export type RedemptionModel = ModelFields<DiscountRedemption>;

function toCampaign(row: CampaignRow): CampaignModel {
  return {
    id: row.id,
    name: row.name,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt?.toISOString() ?? null,
    active: row.active,
  };
}

function toPromotion(row: PromotionRow): PromotionModel {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    value: row.value,
    currency: row.currency,
    buyQuantity: row.buyQuantity,
    getQuantity: row.getQuantity,
    conditions: {
      minSubtotals: row.minSubtotals,
      productIds: row.productIds,
      categoryIds: row.categoryIds,
      brandIds: row.brandIds,
      customerSegments: row.customerSegments,
    },
    exclusive: row.exclusive,
    priority: row.priority,
    requiresCoupon: row.requiresCoupon,
    active: row.active,
    campaignId: row.campaignId,
  };
}

function toCoupon(row: CouponRow): CouponModel {
  return {
    id: row.id,
    code: row.code,
    usageLimit: row.usageLimit,
    perCustomerLimit: row.perCustomerLimit,
    usedCount: row.usedCount,
    promotionId: row.promotionId,
  };
}

function toRedemption(row: OrderRedemptionRow): RedemptionModel {
  return {
    orderRef: row.orderRef,
    status: row.status,
    couponCodes: row.quote.applied.flatMap((a) => (a.code ? [a.code] : [])),
    quote: row.quote,
  };
}

/** A non-null field's row: its absence is a broken invariant, not a null to return. */
const must =
  <T, R>(map: (row: T) => R, what: string) =>
  (row: T | null) => {
    if (!row) throw new Error(`${what} is missing`);
    return map(row);
  };

function mapConnection<T, R>(connection: Connection<T>, map: (row: T) => R) {
  return {
    ...connection,
    edges: connection.edges.map((e) => ({ cursor: e.cursor, node: map(e.node) })),
  };
}

/** Campaign cursors carry (startsAt, id). */
function campaignPage(args: PageArgs): PageRequest {
  const page = parsePageArgs(args, 2);
  if (page.after) {
    const [startsAt, id] = page.after;
    if (typeof startsAt !== 'string' || Number.isNaN(Date.parse(startsAt)) || !isUuid(id)) {
      throw badInput('after is not a valid cursor', 'after');
    }
  }
  return page;
}

/** Coupon cursors carry the code. */
function couponPage(args: PageArgs): PageRequest {
  const page = parsePageArgs(args, 1);
  if (page.after && typeof page.after[0] !== 'string')
    throw badInput('after is not a valid cursor', 'after');
  return page;
}

const parseIds = (ids: string[] | null | undefined, field: string) =>
  (ids ?? []).map((id) => parseId(id, field));

interface LineArgs {
  variantId: string;
  productId: string;
  categoryIds: string[];
  brandId?: string | null;
  quantity: number;
  unitPrice: number;
}

function parseLines(lines: LineArgs[]): CartLine[] {
  return lines.map((line) => ({
    variantId: parseId(line.variantId, 'variantId'),
    productId: parseId(line.productId, 'productId'),
    categoryIds: parseIds(line.categoryIds, 'categoryIds'),
    brandId: line.brandId ? parseId(line.brandId, 'brandId') : null,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
  }));
}

function parseAt(at: string | null | undefined): Date | null {
  if (at === null || at === undefined) return null;
  const time = new Date(at);
  if (Number.isNaN(time.getTime())) throw badInput('at must be an ISO 8601 time', 'at');
  return time;
}

export const promotionsResolvers = {
  Query: {
    async campaigns(_, args, ctx) {
      requireRead(ctx.viewer);
      const connection = await ctx.services.promotions.listCampaigns(campaignPage(args));
      for (const edge of connection.edges) ctx.loaders.campaignById.prime(edge.node.id, edge.node);
      return mapConnection(connection, toCampaign);
    },
    async campaign(_, args, ctx) {
      requireRead(ctx.viewer);
      return ctx.loaders.campaignById.load(parseId(args.id, 'id')).then(orNull(toCampaign));
    },
    async promotion(_, args, ctx) {
      requireRead(ctx.viewer);
      return ctx.loaders.promotionById.load(parseId(args.id, 'id')).then(orNull(toPromotion));
    },
    async coupon(_, args, ctx) {
      requireRead(ctx.viewer);
      return ctx.services.promotions.couponByCode(args.code).then(orNull(toCoupon));
    },
    async activePromotions(_, args, ctx) {
      const first = args.first ?? 20;
      if (!Number.isInteger(first) || first < 0 || first > MAX_ACTIVE) {
        throw badInput(`first must be between 0 and ${MAX_ACTIVE}`, 'first');
      }
      const rows = (await ctx.services.promotions.activePromotions(first)).filter(
        visibleTo(ctx.viewer),
      );
      for (const row of rows) ctx.loaders.promotionById.prime(row.id, row);
      return rows.map(toPromotion);
    },
    async discountQuote(_, { input }, ctx) {
      requireService(ctx.viewer);
      const parsed = { ...input, lines: parseLines(input.lines), at: parseAt(input.at) };
      const result = await withUserErrors(async () => ctx.services.promotions.quote(parsed));
      if (!('quote' in result)) return { quote: null, userErrors: result.userErrors };
      return { quote: result.quote, userErrors: result.rejected.map(toUserError) };
    },
  },
  Mutation: {
    campaignCreate(_, { input }, ctx) {
      requirePermission(ctx.viewer, WRITE);
      return withUserErrors(async () => ({
        campaign: toCampaign(await ctx.services.promotions.createCampaign(input)),
      }));
    },
    promotionCreate(_, { input }, ctx) {
      requirePermission(ctx.viewer, WRITE);
      const conditions = input.conditions ?? {};
      const parsed: PromotionInput = {
        ...input,
        campaignId: parseId(input.campaignId, 'campaignId'),
        conditions: {
          ...conditions,
          productIds: parseIds(conditions.productIds, 'productIds'),
          categoryIds: parseIds(conditions.categoryIds, 'categoryIds'),
          brandIds: parseIds(conditions.brandIds, 'brandIds'),
        },
      };
      return withUserErrors(async () => ({
        promotion: toPromotion(await ctx.services.promotions.createPromotion(parsed)),
      }));
    },
    promotionDeactivate(_, args, ctx) {
      requirePermission(ctx.viewer, WRITE);
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => ({
        promotion: toPromotion(await ctx.services.promotions.deactivatePromotion(id)),
      }));
    },
    couponCreate(_, { input }, ctx) {
      requirePermission(ctx.viewer, WRITE);
      const promotionId = parseId(input.promotionId, 'promotionId');
      return withUserErrors(async () => ({
        coupon: toCoupon(await ctx.services.promotions.createCoupon({ ...input, promotionId })),
      }));
    },
    async couponsGenerate(_, { input }, ctx) {
      requirePermission(ctx.viewer, WRITE);
      const promotionId = parseId(input.promotionId, 'promotionId');
      const result = await withUserErrors(async () =>
        ctx.services.promotions.generateCoupons({ ...input, promotionId }),
      );
      return { count: 0, codes: [], ...result };
    },
    async discountsRedeem(_, { input }, ctx) {
      requireService(ctx.viewer);
      const parsed = { ...input, lines: parseLines(input.lines) };
      const result = await withUserErrors(async () => ctx.services.promotions.redeem(parsed));
      if (!('rejected' in result))
        return { redemption: null, quote: null, userErrors: result.userErrors };
      if (!result.redemption)
        return { redemption: null, quote: null, userErrors: result.rejected.map(toUserError) };
      return {
        redemption: toRedemption(result.redemption),
        quote: result.redemption.quote,
        userErrors: [],
      };
    },
    discountsRelease(_, args, ctx) {
      requireService(ctx.viewer);
      return withUserErrors(async () => ({
        redemption: toRedemption(await ctx.services.promotions.release(args.orderRef)),
      }));
    },
    discountsConfirm(_, args, ctx) {
      requireService(ctx.viewer);
      return withUserErrors(async () => ({
        redemption: toRedemption(await ctx.services.promotions.confirm(args.orderRef)),
      }));
    },
  },
  CouponsGeneratePayload: {
    codes(payload, args) {
      const first = args.first ?? 100;
      if (!Number.isInteger(first) || first < 0 || first > MAX_GENERATED_CODES) {
        throw badInput(`first must be between 0 and ${MAX_GENERATED_CODES}`, 'first');
      }
      return payload.codes.slice(0, first);
    },
  },
  Campaign: {
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      return ctx.loaders.campaignById.load(ref.id.toLowerCase()).then(orNull(toCampaign));
    },
    async promotions(campaign, _, ctx) {
      requireRead(ctx.viewer);
      return (await ctx.loaders.promotionsOfCampaign.load(campaign.id)).map(toPromotion);
    },
  },
  Promotion: {
    async __resolveReference(ref, ctx) {
      if (!isUuid(ref.id)) return null;
      const row = await ctx.loaders.promotionById.load(ref.id.toLowerCase());
      return row && visibleTo(ctx.viewer)(row) ? toPromotion(row) : null;
    },
    campaign(promotion, _, ctx) {
      return ctx.loaders.campaignById
        .load(promotion.campaignId)
        .then(must(toCampaign, `Campaign ${promotion.campaignId}`));
    },
    async coupons(promotion, args, ctx) {
      requireRead(ctx.viewer);
      const connection = await ctx.services.promotions.listCoupons(promotion.id, couponPage(args));
      return mapConnection(connection, toCoupon);
    },
  },
  Coupon: {
    promotion(coupon, _, ctx) {
      return ctx.loaders.promotionById
        .load(coupon.promotionId)
        .then(must(toPromotion, `Promotion ${coupon.promotionId}`));
    },
  },
} satisfies Resolvers;
