'use server';

import { revalidatePath } from 'next/cache';
import {
  CartCreateDocument,
  CartDiscountCodesUpdateDocument,
  CartLinesAddDocument,
  CartLinesUpdateDocument,
} from '../../../../sdk';
import { currentCart } from '../../lib/catalog';
import { rememberCart } from '../../lib/session';
import { shop } from '../../lib/shop';

export interface AddToCartResult {
  ok: boolean;
  message: string;
  totalQuantity?: number;
}

/** Adds a variant to the shopper's cart, opening a cart (and its cookie) on the first add. */
export async function addToCart(variantId: string, quantity: number): Promise<AddToCartResult> {
  const client = await shop();
  const cart = await currentCart();
  const lines = [{ variantId, quantity }];
  const payload = cart
    ? (await client.request(CartLinesAddDocument, { cartId: cart.id, lines })).cartLinesAdd
    : (await client.request(CartCreateDocument, { input: { lines } })).cartCreate;
  const [error] = payload.userErrors;
  if (error || !payload.cart) return { ok: false, message: error?.message ?? 'Not added' };
  if (!cart) await rememberCart(payload.cart.id);
  revalidatePath('/', 'layout');
  return { ok: true, message: 'Added to your cart.', totalQuantity: payload.cart.totalQuantity };
}

/** A line's new quantity from the cart page's form (0 removes it). */
export async function updateLine(form: FormData): Promise<void> {
  const cart = await currentCart();
  const lineId = String(form.get('lineId') ?? '');
  const quantity = Math.max(0, Math.trunc(Number(form.get('quantity') ?? 0)) || 0);
  if (!cart || !lineId) return;
  await (
    await shop()
  ).request(CartLinesUpdateDocument, {
    cartId: cart.id,
    lines: [{ id: lineId, quantity }],
  });
  revalidatePath('/cart');
}

export interface CodesState {
  error: string | null;
}

/** Adds the typed code to the cart's codes, or removes one (`remove`). */
export async function updateCodes(_: CodesState, form: FormData): Promise<CodesState> {
  const cart = await currentCart();
  if (!cart) return { error: 'Your cart is empty.' };
  const remove = form.get('remove');
  const code = String(form.get('code') ?? '').trim();
  if (!remove && !code) return { error: 'Enter a discount code.' };
  const codes = remove
    ? cart.discountCodes.filter((existing) => existing !== remove)
    : [...cart.discountCodes.filter((existing) => existing !== code), code];
  const { cartDiscountCodesUpdate: payload } = await (
    await shop()
  ).request(CartDiscountCodesUpdateDocument, { cartId: cart.id, discountCodes: codes });
  revalidatePath('/cart');
  const [error] = payload.userErrors;
  if (error) return { error: error.message };
  if (remove || !payload.cart) return { error: null };
  // A code no promotion takes is kept by the cart (and would stop checkout): say why and
  // take it out again. Its error names it by position (["couponCodes", index]).
  const index = String(codes.length - 1);
  const rejected = payload.cart.cost.couponErrors.find((e) => e.field?.[1] === index);
  if (!rejected) return { error: null };
  await (
    await shop()
  ).request(CartDiscountCodesUpdateDocument, {
    cartId: cart.id,
    discountCodes: codes.slice(0, -1),
  });
  return { error: rejected.message };
}
