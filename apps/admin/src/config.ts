declare global {
  interface Window {
    /** Set by /config.js, which apps/admin/serve.ts writes for this installation. */
    __ADMIN_CONFIG__?: { graphqlUrl?: string };
  }
}

/** The router's GraphQL endpoint: told by the server at run time, not baked into the build. */
export const graphqlUrl =
  window.__ADMIN_CONFIG__?.graphqlUrl ??
  `${window.location.protocol}//${window.location.hostname}:4000/graphql`;
