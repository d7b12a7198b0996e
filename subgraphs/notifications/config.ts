import { ConfigError, loadConfig, setting } from '../../platform/config';

/** Notifications' settings, read once where its services are created. */
export function loadNotificationsConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      /**
       * Where mail leaves: `smtp://user:pass@host:587` (STARTTLS when offered) or
       * `smtps://…:465`. Unset: an in-process development SMTP server (the dev mailbox).
       */
      SMTP_URL: setting.optionalUrl(),
      /** The sender of every email. */
      MAIL_FROM: setting.string('Shop <no-reply@shop.local>'),
      /** How long one SMTP conversation may take before it counts as a failure. */
      SMTP_TIMEOUT_MS: setting.int(15_000, { min: 100 }),
      /** The dev mailbox's port when SMTP_URL is unset (0: any free port; logged at start). */
      DEV_SMTP_PORT: setting.port(0),
      /** Where the dev mailbox also writes each mail as an .eml file (`npm start`: .data/mailbox); unset: memory only. */
      DEV_MAILBOX_DIR: setting.optionalString(),
      /** Attempts per email before it is dead-lettered (staff retry it by hand then). */
      NOTIFICATIONS_MAX_ATTEMPTS: setting.int(8, { min: 1, max: 100 }),
      /** The first retry's wait; each further one doubles it, up to the cap. */
      NOTIFICATIONS_RETRY_BASE_MS: setting.int(30_000, { min: 10 }),
      NOTIFICATIONS_RETRY_MAX_MS: setting.int(3_600_000, { min: 10 }),
      /** How often the sender looks for due deliveries (a new one is also sent at once). */
      NOTIFICATIONS_SEND_INTERVAL_MS: setting.int(5_000, { min: 10 }),
      /** Deliveries one run of the sender takes. */
      NOTIFICATIONS_SEND_BATCH: setting.int(20, { min: 1, max: 500 }),
      /** The shop's locale when an order says nothing better: en, de or fr. */
      NOTIFICATIONS_DEFAULT_LOCALE: setting.oneOf(['en', 'de', 'fr'] as const, 'en'),
      /** The storefront's base URL, for links in emails. */
      STOREFRONT_URL: setting.url('http://localhost:3000'),
      NODE_ENV: setting.string('development'),
    },
    env,
  );
  const scheme = config.SMTP_URL && new URL(config.SMTP_URL).protocol;
  if (scheme && scheme !== 'smtp:' && scheme !== 'smtps:') {
    throw new ConfigError([
      `SMTP_URL=${JSON.stringify(config.SMTP_URL)}: expected smtp:// or smtps://`,
    ]);
  }
  return config;
}

export type NotificationsConfig = ReturnType<typeof loadNotificationsConfig>;
