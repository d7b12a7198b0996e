import { hasPermission } from '../../platform/authorization';
import type { SubgraphContext } from '../../platform/context';
import { forbidden, withUserErrors } from '../../platform/errors';
import type { Viewer } from '../../platform/identity';
import type { LoyaltyAccount } from './domain/accounts';
import type { GiftCard } from './domain/gift-cards';
import type { Hold } from './domain/holds';
import type { Resolvers } from './generated/resolvers-types';
import type { LoyaltyServices } from './index';
import type { LoyaltyLoaders } from './loaders';

export type Context = SubgraphContext<LoyaltyServices, LoyaltyLoaders>;

/** Identity's customer, named by id. */
export type CustomerModel = { id: string };
export type LoyaltyAccountModel = LoyaltyAccount;
export type GiftCardModel = GiftCard;
export type GiftCardBalanceModel = GiftCard & { expired: boolean };
export type LoyaltyHoldModel = Hold;

export const LOYALTY_MANAGE = 'loyalty:manage';

/** An account is its customer's and staff's (loyalty:manage); platform services pass. */
const mayRead = (viewer: Viewer, customerId: string) =>
  viewer.kind === 'service' ||
  (viewer.kind === 'customer' && viewer.customerId === customerId) ||
  hasPermission(viewer, LOYALTY_MANAGE);

/** Holds move balances for checkout: only orders (a platform service) asks for them. */
function serviceOnly(viewer: Viewer) {
  if (viewer.kind !== 'service') throw forbidden('Only the platform holds loyalty tenders');
}

const svc = (ctx: Context) => ctx.services.loyalty;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const money = (amount: number, currency: string) => ({ amount, currency });

export const loyaltyResolvers = {
  Query: {
    myLoyalty: (_, __, ctx) => svc(ctx).mine(ctx.viewer),
    giftCardBalance: (_, { code }, ctx) => svc(ctx).giftCardBalance(code),
  },
  Mutation: {
    giftCardIssue: (_, { input }, ctx) =>
      withUserErrors(async () => {
        const { card, code } = await svc(ctx).issueGiftCard(ctx.viewer, input);
        return { giftCard: card, code };
      }),
    loyaltyReferralApply: (_, { code }, ctx) =>
      withUserErrors(async () => ({ account: await svc(ctx).applyReferral(ctx.viewer, code) })),
    loyaltyHold: (_, { input }, ctx) => {
      serviceOnly(ctx.viewer);
      return withUserErrors(async () => ({
        hold: await svc(ctx).hold({
          ...input,
          customerId: input.customerId ?? null,
          giftCardCode: input.giftCardCode ?? null,
          giftCardAmount: input.giftCardAmount ?? null,
        }),
      }));
    },
    loyaltyConfirm: (_, { orderRef }, ctx) => {
      serviceOnly(ctx.viewer);
      return withUserErrors(async () => ({ hold: await svc(ctx).holds.confirm(orderRef) }));
    },
    loyaltyRelease: (_, { orderRef }, ctx) => {
      serviceOnly(ctx.viewer);
      return withUserErrors(async () => ({ hold: await svc(ctx).holds.release(orderRef) }));
    },
  },
  Customer: {
    __resolveReference: (ref) => ({ id: ref.id }),
    loyalty: (customer, _, ctx) =>
      mayRead(ctx.viewer, customer.id) ? ctx.loaders.account.load(customer.id) : null,
  },
  LoyaltyAccount: {
    pointsValue: (a, _, ctx) => a.pointsBalance * svc(ctx).config.LOYALTY_POINT_VALUE,
    nextExpiry: (a) =>
      a.nextExpiry && { points: a.nextExpiry.points, expiresAt: iso(a.nextExpiry.expiresAt)! },
    ledger: async (a, { first }, ctx) =>
      (await svc(ctx).accounts.entries(a.customerId, first ?? 20)).map((e) => ({
        ...e,
        createdAt: iso(e.createdAt)!,
      })),
  },
  GiftCard: {
    balance: (c) => money(c.balance, c.currency),
    initialBalance: (c) => money(c.initialAmount, c.currency),
    expiresAt: (c) => iso(c.expiresAt),
    createdAt: (c) => iso(c.createdAt)!,
  },
  GiftCardBalance: {
    balance: (c) => money(c.balance, c.currency),
    expiresAt: (c) => iso(c.expiresAt),
  },
} satisfies Resolvers;
