import { DomainError, toUserError, withUserErrors } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import type { CartQuote } from '../domain/cart-quote';
import type { DraftOrderRow } from '../entities';
import type { Resolvers } from '../generated/resolvers-types';
import { orderPlacedAnswer } from './checkout';
import { toDraftLine, toDraftOrder } from './draft-models';
import { type Context, money, toDiscounts, toOrder } from './models';

/** One quote per draft per request, however many fields (cost, line prices) read it. */
const quotes = new WeakMap<object, Map<string, Promise<CartQuote>>>();
function quoteOf(draft: DraftOrderRow, ctx: Context): Promise<CartQuote> {
  let memo = quotes.get(ctx.loaders);
  if (!memo) quotes.set(ctx.loaders, (memo = new Map()));
  let quote = memo.get(draft.id);
  if (!quote) memo.set(draft.id, (quote = ctx.services.drafts.quote(draft)));
  return quote;
}

const staffOf = (ctx: Context) =>
  ctx.viewer.kind === 'staff' ? `staff:${ctx.viewer.staffId}` : null;

const drafted = (row: DraftOrderRow) => ({ draftOrder: toDraftOrder(row) });

export const draftResolvers = {
  Query: {
    async draftOrder(_, args, ctx) {
      const [row] = await ctx.services.drafts.draftsByIds([parseId(args.id, 'id')]);
      return row ? toDraftOrder(row) : null;
    },
    async draftOrders(_, args, ctx) {
      const rows = await ctx.services.drafts.list(args.first ?? 20, args.status ?? null);
      return rows.map(toDraftOrder);
    },
    async payableDraftOrder(_, args, ctx) {
      const row = await ctx.services.drafts.byToken(args.payToken);
      return row ? toDraftOrder(row) : null;
    },
  },
  Mutation: {
    draftOrderCreate(_, args, ctx) {
      return withUserErrors(async () =>
        drafted(await ctx.services.drafts.create(args.input, staffOf(ctx))),
      );
    },
    draftOrderUpdate(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => drafted(await ctx.services.drafts.update(id, args.input)));
    },
    draftOrderSend(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => {
        const { draft, payToken, payUrl } = await ctx.services.drafts.send(id);
        return { ...drafted(draft), payToken, payUrl };
      });
    },
    draftOrderMarkPaid(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => {
        const { draft, order } = await ctx.services.drafts.markPaid(id);
        return { ...drafted(draft), order: toOrder(order) };
      });
    },
    draftOrderCancel(_, args, ctx) {
      const id = parseId(args.id, 'id');
      return withUserErrors(async () => drafted(await ctx.services.drafts.cancel(id)));
    },
    /** As checkout's answer: the order, its access token for a guest, or why not. */
    async draftOrderCheckout(_, args, ctx) {
      return orderPlacedAnswer(
        ctx,
        async () => (await ctx.services.drafts.pay(args.input, ctx.viewer)).order,
      );
    },
  },
  DraftOrder: {
    lines(draft) {
      return draft.row.lines.map((line) => toDraftLine(line, draft.row));
    },
    async order(draft, _, ctx) {
      if (!draft.row.orderId) return null;
      const row = await ctx.loaders.orderById.load(draft.row.orderId);
      return row ? toOrder(row) : null;
    },
    async cost(draft, _, ctx) {
      const c = draft.currency;
      const zero = money(0, c);
      const empty = {
        subtotal: zero,
        discounts: [],
        discountTotal: zero,
        shipping: zero,
        tax: zero,
        taxInclusive: false,
        total: zero,
        shippingMethod: null as { __typename: 'ShippingMethod'; id: string } | null,
        couponErrors: [],
        errors: [] as ReturnType<typeof toUserError>[],
      };
      if (draft.row.lines.length === 0) return empty;
      try {
        const { price: p, discounts, shipping } = await quoteOf(draft.row, ctx);
        return {
          ...empty,
          subtotal: money(p.subtotal, c),
          discounts: toDiscounts(discounts.applied, c),
          discountTotal: money(p.discountTotal + p.shippingDiscountAmount, c),
          shipping: money(p.shippingAmount, c),
          tax: money(p.taxTotal, c),
          taxInclusive: p.taxInclusive,
          total: money(p.total, c),
          shippingMethod: { __typename: 'ShippingMethod' as const, id: shipping.chosen.method.id },
        };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { ...empty, errors: [toUserError(error)] };
      }
    },
  },
  DraftOrderLine: {
    async unitPrice(line, _, ctx) {
      const c = line.draft.currency;
      if (line.priceOverride) return line.priceOverride.amount;
      const { price } = await quoteOf(line.draft, ctx);
      return money(price.lines.find((l) => l.variantId === line.variantId)!.unitPrice, c);
    },
  },
} satisfies Resolvers;
