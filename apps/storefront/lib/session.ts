import { cookies } from 'next/headers';

/** The shopper's cart and sign-in live in httpOnly cookies; scripts never see the tokens. */
export const CART_COOKIE = 'sf_cart';
export const ACCESS_COOKIE = 'sf_access';
const CART_MAX_AGE = 60 * 60 * 24 * 30;

const base = { httpOnly: true, sameSite: 'lax' as const, path: '/' };

export async function cartId(): Promise<string | undefined> {
  return (await cookies()).get(CART_COOKIE)?.value;
}

export async function accessToken(): Promise<string | undefined> {
  return (await cookies()).get(ACCESS_COOKIE)?.value;
}

/** Only in server actions and route handlers (Next forbids cookie writes while rendering). */
export async function rememberCart(id: string | null): Promise<void> {
  const jar = await cookies();
  if (id) jar.set(CART_COOKIE, id, { ...base, maxAge: CART_MAX_AGE });
  else jar.delete(CART_COOKIE);
}

export async function rememberSignIn(token: string | null, expiresIn = 0): Promise<void> {
  const jar = await cookies();
  // The cookie lasts as long as the token: an expired session reads as signed out.
  if (token) jar.set(ACCESS_COOKIE, token, { ...base, maxAge: expiresIn });
  else jar.delete(ACCESS_COOKIE);
}
