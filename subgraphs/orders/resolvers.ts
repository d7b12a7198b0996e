import type { Resolvers } from './generated/resolvers-types';
import { analyticsResolvers } from './resolvers/analytics';
import { cartResolvers } from './resolvers/cart';
import { changeResolvers } from './resolvers/changes';
import { checkoutResolvers } from './resolvers/checkout';
import { draftResolvers } from './resolvers/drafts';
import { orderResolvers } from './resolvers/order';

/** The mapper and context types codegen.yml names (`../resolvers#CartModel`, ...). */
export type {
  CartLineModel,
  CartModel,
  Context,
  CustomerModel,
  OrderModel,
} from './resolvers/models';
export type { DraftOrderLineModel, DraftOrderModel } from './resolvers/draft-models';

/** Thin resolvers, one map per concern: carts and their cost, checkout, orders after it, draft orders. */
export const ordersResolvers = {
  Query: {
    ...cartResolvers.Query,
    ...orderResolvers.Query,
    ...draftResolvers.Query,
    ...analyticsResolvers.Query,
  },
  Mutation: {
    ...cartResolvers.Mutation,
    ...checkoutResolvers.Mutation,
    ...orderResolvers.Mutation,
    ...draftResolvers.Mutation,
    ...changeResolvers.Mutation,
  },
  Subscription: orderResolvers.Subscription,
  Cart: cartResolvers.Cart,
  CartLine: cartResolvers.CartLine,
  Order: { ...orderResolvers.Order, ...changeResolvers.Order },
  Customer: orderResolvers.Customer,
  DraftOrder: draftResolvers.DraftOrder,
  DraftOrderLine: draftResolvers.DraftOrderLine,
} satisfies Resolvers;
