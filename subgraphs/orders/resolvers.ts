import type { Resolvers } from './generated/resolvers-types';
import { cartResolvers } from './resolvers/cart';
import { checkoutResolvers } from './resolvers/checkout';
import { orderResolvers } from './resolvers/order';

/** The mapper and context types codegen.yml names (`../resolvers#CartModel`, ...). */
export type {
  CartLineModel,
  CartModel,
  Context,
  CustomerModel,
  OrderModel,
} from './resolvers/models';

/** Thin resolvers, one map per concern: carts and their cost, checkout, orders after it. */
export const ordersResolvers = {
  Query: { ...cartResolvers.Query, ...orderResolvers.Query },
  Mutation: {
    ...cartResolvers.Mutation,
    ...checkoutResolvers.Mutation,
    ...orderResolvers.Mutation,
  },
  Subscription: orderResolvers.Subscription,
  Cart: cartResolvers.Cart,
  CartLine: cartResolvers.CartLine,
  Order: orderResolvers.Order,
  Customer: orderResolvers.Customer,
} satisfies Resolvers;
