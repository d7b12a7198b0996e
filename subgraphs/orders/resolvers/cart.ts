import { GraphQLError } from 'graphql';
import { type UserError, withUserErrors } from '../../../platform/errors';
import { isUuid, parseId } from '../../../platform/ids';
import type { Resolvers } from '../generated/resolvers-types';
import { assertCartAccess, cartVisible, changedCart, customerOf } from './access';
import { type CartModel, type Context, money, toCart, toCartLine, toDiscounts } from './models';

/** The cart's cost for a destination, through the per-request quote loader. */
async function costOf(
  cart: CartModel,
  ctx: Context,
  countryCode: string | null,
  region: string | null,
  shippingMethodId: string | null = null,
) {
  const row = await ctx.loaders.cartById.load(cart.id);
  const lines = await ctx.loaders.linesOfCart.load(cart.id);
  return ctx.loaders.cartCost.load({
    cart: row!,
    lines,
    countryCode: countryCode?.toUpperCase() ?? null,
    region,
    shippingMethodId: shippingMethodId?.toLowerCase() ?? null,
  });
}

/** A quote failure that is not about the destination: the field fails, with its code. */
function costFailure(error: UserError & { dependency?: string }): GraphQLError {
  const { code, dependency } = error;
  return new GraphQLError(error.message, {
    extensions: dependency ? { code, dependency } : { code },
  });
}

const methodRef = (id: string) => ({ __typename: 'ShippingMethod' as const, id });

/** A pricing refusal is about the destination the client asked for: say which argument. */
const ARGUMENT_OF: Record<string, string[]> = {
  shippingCountry: ['countryCode'],
  shippingRegion: ['region'],
};

export const cartResolvers = {
  Query: {
    async cart(_, args, ctx) {
      const row = await ctx.loaders.cartById.load(parseId(args.id, 'id'));
      return row && cartVisible(row, ctx) ? toCart(row) : null;
    },
  },
  Mutation: {
    cartCreate(_, args, ctx) {
      return withUserErrors(async () => {
        const created = await ctx.services.carts.create(
          args.input ?? {},
          customerOf(ctx),
          ctx.loaders.asked,
        );
        const changed = changedCart(ctx, created.cart);
        // Its lines are what was just written: the response reads them, not the database.
        ctx.loaders.linesOfCart.prime(created.cart.id, created.lines);
        return changed;
      });
    },
    cartLinesAdd(_, args, ctx) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return changedCart(
          ctx,
          await ctx.services.carts.addLines(cartId, args.lines, ctx.loaders.asked),
        );
      });
    },
    cartLinesUpdate(_, args, ctx) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return changedCart(ctx, await ctx.services.carts.updateLines(cartId, args.lines));
      });
    },
    cartDiscountCodesUpdate(_, args, ctx) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return changedCart(
          ctx,
          await ctx.services.carts.setDiscountCodes(cartId, args.discountCodes),
        );
      });
    },
    cartLinesRemove(_, args, ctx) {
      const cartId = parseId(args.cartId, 'cartId');
      return withUserErrors(async () => {
        await assertCartAccess(cartId, ctx);
        return changedCart(ctx, await ctx.services.carts.removeLines(cartId, args.lineIds));
      });
    },
  },
  Cart: {
    async __resolveReference(ref, ctx) {
      const row = isUuid(ref.id) ? await ctx.loaders.cartById.load(ref.id) : null;
      return row && cartVisible(row, ctx) ? toCart(row) : null;
    },
    async lines(cart, _, ctx) {
      return (await ctx.loaders.linesOfCart.load(cart.id)).map((l) => toCartLine(l, cart));
    },
    async totalQuantity(cart, _, ctx) {
      return (await ctx.loaders.linesOfCart.load(cart.id)).reduce((n, l) => n + l.quantity, 0);
    },
    async shippingOptions(cart, args, ctx) {
      const { quote, error } = await costOf(
        cart,
        ctx,
        args.countryCode ?? null,
        args.region ?? null,
      );
      if (error?.code === 'SHIPPING_UNAVAILABLE') return [];
      if (error) throw costFailure(error);
      // An empty cart ships nothing: there is nothing to price a method for.
      return (quote?.shipping.options ?? []).map((o) => ({
        method: methodRef(o.method.id),
        price: money(o.price.amount, o.price.currency),
        free: o.free,
      }));
    },
    async cost(cart, args, ctx) {
      const { quote, error } = await costOf(
        cart,
        ctx,
        args.countryCode ?? null,
        args.region ?? null,
        args.shippingMethodId ?? null,
      );
      const c = cart.currency;
      if (!quote) {
        const zero = money(0, c);
        const errors = error
          ? [
              {
                code: error.code,
                message: error.message,
                field: ARGUMENT_OF[error.field?.[0] ?? ''] ?? error.field,
              },
            ]
          : [];
        return {
          subtotal: zero,
          discounts: [],
          discountTotal: zero,
          shipping: zero,
          shippingMethod: null,
          tax: zero,
          taxInclusive: false,
          total: zero,
          couponErrors: [],
          errors,
        };
      }
      const p = quote.price;
      return {
        subtotal: money(p.subtotal, c),
        discounts: toDiscounts(quote.discounts.applied, c),
        discountTotal: money(p.discountTotal + p.shippingDiscountAmount, c),
        shipping: money(p.shippingAmount, c),
        shippingMethod: methodRef(quote.shipping.chosen.method.id),
        tax: money(p.taxTotal, c),
        taxInclusive: p.taxInclusive,
        total: money(p.total, c),
        couponErrors: quote.couponErrors,
        errors: [],
      };
    },
  },
  CartLine: {
    async cost(line, _, ctx) {
      const cart = toCart((await ctx.loaders.cartById.load(line.cartId))!);
      const { quote, error } = await costOf(cart, ctx, null, null);
      if (error) throw costFailure(error);
      const priced = quote!.price.lines.find((l) => l.variantId === line.variantId)!;
      const c = cart.currency;
      return {
        unitPrice: money(priced.unitPrice, c),
        subtotal: money(priced.lineSubtotal, c),
        discount: money(priced.discountAmount, c),
        total: money(priced.lineSubtotal - priced.discountAmount, c),
      };
    },
  },
} satisfies Resolvers;
