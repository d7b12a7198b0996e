import { cache } from 'react';
import { createCommerceClient, type CommerceClient } from '../../../sdk';
import { storefrontConfig } from './config';
import { accessToken } from './session';

/**
 * The SDK client for this request, acting as the signed-in shopper (or anonymously).
 * One per request: React's cache shares it between the layout and the page.
 */
export const shop = cache(async (): Promise<CommerceClient> => {
  const token = await accessToken();
  return createCommerceClient({
    url: storefrontConfig().routerUrl,
    getToken: () => token,
  });
});

/** The shop as an anonymous shopper, for what is the same for everyone. */
export const anonymousShop = cache((): CommerceClient =>
  createCommerceClient({ url: storefrontConfig().routerUrl }),
);
