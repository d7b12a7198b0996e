import { loadConfig, setting } from '../../platform/config';

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
    },
    env,
  );
}

export type WebhooksConfig = ReturnType<typeof loadWebhooksConfig>;
