import { loadConfig, setting } from '../../platform/config';
import type { OutboundPolicy } from '../../platform/outbound-guard';

/** Webhooks' settings, read once where its services are created. */
export function loadWebhooksConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      /**
       * The router's /graphql, where an endpoint's document is resolved as its app. Unset:
       * the router of this process (`npm start`, tests), which sets it once it listens.
       */
      ROUTER_URL: setting.optionalUrl(),
      /** Attempts per delivery before it is dead-lettered (staff retry it by hand then). */
      WEBHOOKS_MAX_ATTEMPTS: setting.int(6, { min: 1, max: 100 }),
      /** The first retry's wait; each further one doubles it, up to the cap. */
      WEBHOOKS_RETRY_BASE_MS: setting.int(10_000, { min: 10 }),
      WEBHOOKS_RETRY_MAX_MS: setting.int(3_600_000, { min: 10 }),
      /** How often the sender looks for due deliveries (a new one is also sent at once). */
      WEBHOOKS_SEND_INTERVAL_MS: setting.int(5_000, { min: 10 }),
      /** Deliveries one run of the sender takes. */
      WEBHOOKS_SEND_BATCH: setting.int(20, { min: 1, max: 500 }),
      /** How long the merchant's endpoint (and the router) may take per attempt. */
      WEBHOOKS_TIMEOUT_MS: setting.int(10_000, { min: 100 }),
      /**
       * Endpoints on loopback, private, link-local (cloud metadata) and other non-public
       * addresses are refused, at registration and at every connection; development and
       * tests, whose endpoints run on this machine, turn this on.
       */
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: setting.bool(false),
      /** Plain-http endpoints (payloads and signatures in clear); https only when off. */
      WEBHOOKS_ALLOW_HTTP: setting.bool(false),
    },
    env,
  );
}

export type WebhooksConfig = ReturnType<typeof loadWebhooksConfig>;

export function outboundPolicyOf(config: WebhooksConfig): OutboundPolicy {
  return {
    allowPrivateNetworks: config.WEBHOOKS_ALLOW_PRIVATE_NETWORKS,
    allowHttp: config.WEBHOOKS_ALLOW_HTTP,
  };
}
