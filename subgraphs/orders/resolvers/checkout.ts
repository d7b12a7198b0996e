import { DomainError, toUserError } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { CheckoutInProgressError } from '../domain/checkout/attempts';
import { PaymentActionRequiredError } from '../domain/checkout/steps';
import type { Resolvers } from '../generated/resolvers-types';
import { assertCartAccess } from './access';
import { toOrder } from './models';

export const checkoutResolvers = {
  Mutation: {
    async checkout(_, args, ctx) {
      const input = { ...args.input, cartId: parseId(args.input.cartId, 'cartId') };
      try {
        await assertCartAccess(input.cartId, ctx);
        const order = await ctx.services.checkout.checkout(input, ctx.viewer);
        return {
          order: toOrder(order),
          orderAccessToken: await ctx.services.access.tokenFor(order.id),
          userErrors: [],
        };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return {
          order: null,
          retryAfterMs: error instanceof CheckoutInProgressError ? error.retryAfterMs : null,
          paymentAction: error instanceof PaymentActionRequiredError ? error.action : null,
          userErrors: [toUserError(error)],
        };
      }
    },
  },
} satisfies Resolvers;
