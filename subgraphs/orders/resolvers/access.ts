import { badInput, DomainError, unauthenticated } from '../../../platform/errors';
import { isUuid } from '../../../platform/ids';
import { type Connection, type PageArgs, parsePageArgs } from '../../../platform/pagination';
import type { CartRow, OrderRow } from '../entities';
import { OrdersErrorCode } from '../errors';
import { type Context, toCart, toOrder } from './models';

/** Reading an order needs an identity or the order's token; without either, say so first. */
export function assertIdentified(ctx: Context, accessToken: string | null | undefined): void {
  if (
    ctx.viewer.kind === 'anonymous' &&
    !accessToken &&
    !ctx.services.access.canRead({ customerId: null }, ctx.viewer)
  ) {
    throw unauthenticated('Sign in, or give the order access token from checkout');
  }
}

/** A customer's cart is theirs (and staff's); a guest cart is anyone's who has its id. */
export function cartVisible(cart: CartRow, ctx: Context): boolean {
  return cart.customerId === null || ctx.services.access.canRead(cart, ctx.viewer);
}

export async function assertCartAccess(cartId: string, ctx: Context): Promise<void> {
  const cart = await ctx.loaders.cartById.load(cartId);
  if (cart && !cartVisible(cart, ctx))
    throw new DomainError(OrdersErrorCode.NOT_FOUND, `Cart ${cartId} was not found`, ['cartId']);
}

/** The changed cart, with this request's loaders told, so its cost reflects the change. */
export function changedCart(ctx: Context, row: CartRow) {
  ctx.loaders.cartById.clear(row.id).prime(row.id, row);
  ctx.loaders.linesOfCart.clear(row.id);
  return { cart: toCart(row) };
}

/** Order cursors are (created_at, id); a forged one is the client's mistake, not SQL's. */
export function orderPage(args: PageArgs) {
  const page = parsePageArgs(args, 2);
  if (page.after && (Number.isNaN(Date.parse(String(page.after[0]))) || !isUuid(page.after[1]))) {
    throw badInput('after is not a valid cursor', 'after');
  }
  return page;
}

export function orderConnection(connection: Connection<OrderRow>) {
  return {
    ...connection,
    edges: connection.edges.map((e) => ({ cursor: e.cursor, node: toOrder(e.node) })),
  };
}

export function customerOf(ctx: Context): string | null {
  return ctx.viewer.kind === 'customer' ? ctx.viewer.customerId : null;
}
