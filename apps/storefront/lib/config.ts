/**
 * The storefront's settings, read at request time on the server (never inlined into the
 * bundle, so one build serves any router). The only module that reads the environment;
 * serve.ts sets these for the Next server it starts.
 */
export interface StorefrontConfig {
  /** The router's GraphQL endpoint as the Next server reaches it. */
  routerUrl: string;
  /** The router's endpoint as shoppers' browsers reach it (live stock and tracking). */
  browserRouterUrl: string;
  /** The shop's own origin, for canonical links and Open Graph URLs. */
  siteUrl: string;
}

export function storefrontConfig(): StorefrontConfig {
  const routerUrl = process.env.STOREFRONT_ROUTER_URL || 'http://localhost:4000/graphql';
  return {
    routerUrl,
    browserRouterUrl: process.env.STOREFRONT_BROWSER_ROUTER_URL || routerUrl,
    siteUrl: (process.env.STOREFRONT_SITE_URL || 'http://localhost:3000').replace(/\/$/, ''),
  };
}
