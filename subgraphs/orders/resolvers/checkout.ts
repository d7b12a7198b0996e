import { DomainError, toUserError } from '../../../platform/errors';
import { parseId } from '../../../platform/ids';
import { CheckoutInProgressError } from '../domain/checkout/attempts';
import { PaymentActionRequiredError } from '../domain/checkout/steps';
import type { Resolvers } from '../generated/resolvers-types';
import { assertCartAccess } from './access';
import { type Context, toOrder } from './models';

export const checkoutResolvers = {
  Mutation: {
    async checkout(_, args, ctx) {
      const input = { ...args.input, cartId: parseId(args.input.cartId, 'cartId') };
      return orderPlacedAnswer(ctx, async () => {
        await assertCartAccess(input.cartId, ctx);
        return ctx.services.checkout.checkout(input, ctx.viewer, (placed) => {
          // What the response reads of a new order is what was just written (no parcel yet).
          ctx.loaders.orderById.prime(placed.order.id, placed.order);
          ctx.loaders.linesOfOrder.prime(placed.order.id, placed.lines);
          ctx.loaders.parcelsOfOrder.prime(placed.order.id, []);
        });
      });
    },
  },
} satisfies Resolvers;

/**
 * What a mutation that places an order answers (checkout, a draft's payment): the order
 * and its access token for a guest, or why not, with a retry hint while another attempt
 * runs and the action a 3-D Secure card asks for.
 */
export async function orderPlacedAnswer(
  ctx: Context,
  place: () => Promise<Parameters<typeof toOrder>[0]>,
) {
  try {
    const order = await place();
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
}
